"""Risk routes: a site's open flags (escalations first, with their age), acknowledging a
flag with the action taken, and the therapist's clinical risk assessment."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from services.forms import fhir
from services.forms.api.deps import Forms, Queries
from services.forms.api.schemas import (
    AcknowledgementIn,
    DutyIn,
    RiskAssessmentIn,
    SiteId,
    StaffRefInPath,
)
from services.forms.errors import NotFound, RoleRefused
from shared.actor import RequestMeta

router = APIRouter(tags=["risk"])
# Who may acknowledge a risk flag: clinicians, the duty clinician and supervisors
# ("supervisor" is the gateway's role of the site's clinical supervisor, the duty clinician).
CLINICAL_ROLES = {"therapist", "supervisor", "duty_clinician", "clinical_supervisor",
                  "clinical_lead"}  # fmt: skip
DUTY_ROSTERERS = {"supervisor", "clinical_supervisor", "clinical_lead", "site_manager"}


@router.get("/sites/{site_id}/risk-flags")
async def open_flags(site_id: SiteId, queries: Queries, _: RequestMeta) -> list[dict[str, Any]]:
    """Open flags of the site: escalated first, then oldest first; each with its age."""
    return [row | {"fhir": fhir.flag(row)} for row in await queries.open_flags(site_id)]


@router.put("/sites/{site_id}/duty-clinician")
async def assign_duty_clinician(
    site_id: SiteId, body: DutyIn, forms: Forms, meta: RequestMeta
) -> dict[str, Any]:
    """Who is on duty at the site from now: high risk flags escalate to them at once, and
    they take over the site's open escalations."""
    if meta.actor.role not in DUTY_ROSTERERS:
        raise RoleRefused(f"a supervisor or site manager sets the duty clinician, not a "
                          f"{meta.actor.role}")  # fmt: skip
    rota = await forms.assign_duty_clinician(site_id, staff_id=body.staff_id, meta=meta)
    return {"site_id": site_id, "staff_id": rota.on_duty, "since": rota.since}


@router.get("/sites/{site_id}/duty-clinician")
async def duty_clinician(site_id: SiteId, queries: Queries, _: RequestMeta) -> dict[str, Any]:
    duty = await queries.duty(site_id)
    if duty is None:
        raise NotFound(f"nobody is on duty at site {site_id}")
    return duty


@router.get("/duty-clinicians/{staff_id}/escalations")
async def escalations_for(
    staff_id: StaffRefInPath, queries: Queries, _: RequestMeta
) -> list[dict[str, Any]]:
    """Open escalations named to the clinician or of the sites they are on duty at, oldest
    first, each with its age."""
    return [row | {"fhir": fhir.flag(row)} for row in await queries.escalations_for(staff_id)]


@router.get("/cases/{case_id}/risk-flags")
async def case_flags(case_id: UUID, queries: Queries, _: RequestMeta) -> list[dict[str, Any]]:
    """Every risk flag of the case, oldest first: the open ones, and the acknowledged ones
    with who acknowledged them, when, and the action they took."""
    return await queries.case_flags(case_id)


@router.get("/risk-flags/{flag_id}")
async def get_flag(flag_id: UUID, queries: Queries, _: RequestMeta) -> dict[str, Any]:
    row = await queries.flag(flag_id)
    if row is None:
        raise NotFound(f"no risk flag {flag_id}")
    return row | {"fhir": fhir.flag(row)}


@router.post("/risk-flags/{flag_id}/acknowledgement")
async def acknowledge(
    flag_id: UUID, body: AcknowledgementIn, forms: Forms, meta: RequestMeta
) -> dict[str, Any]:
    if meta.actor.role not in CLINICAL_ROLES:
        raise RoleRefused(f"a clinician acknowledges risk flags, not a {meta.actor.role}")
    flag = await forms.acknowledge_flag(flag_id, action=body.action, note=body.note, meta=meta)
    return {"flag_id": flag.id, "version": flag.version, "status": "acknowledged",
            "action": body.action}  # fmt: skip


@router.post("/cases/{case_id}/risk-assessments", status_code=201)
async def record_risk_assessment(
    case_id: UUID, body: RiskAssessmentIn, forms: Forms, meta: RequestMeta
) -> dict[str, Any]:
    if meta.actor.role not in CLINICAL_ROLES:
        raise RoleRefused(f"a clinician records a risk assessment, not a {meta.actor.role}")
    assessment = await forms.record_risk_assessment(case_id, **body.model_dump(), meta=meta)
    latest = assessment.revisions[-1]
    return {"case_id": case_id, "revision": latest["revision"], "level": latest["level"]}


@router.get("/cases/{case_id}/risk-assessments")
async def risk_assessments(case_id: UUID, forms: Forms, meta: RequestMeta) -> list[dict]:
    """Every revision of the therapist's risk assessment, newest last, with its plan (for
    clinicians only; Kafka and the ledger have the plan's digest)."""
    if meta.actor.role not in CLINICAL_ROLES:
        raise RoleRefused(f"a clinician reads risk assessments, not a {meta.actor.role}")
    return await forms.risk_assessments(case_id)
