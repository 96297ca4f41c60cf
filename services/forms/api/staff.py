"""Staff routes of forms: a response entered with the client in the session, a new link,
a form's status and its FHIR export, a case's forms. Parse, call, answer."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request
from fhir.resources.R4B.bundle import Bundle

from services.forms import catalogue, fhir
from services.forms.api.deps import Forms, Queries
from services.forms.api.schemas import ResponseIn
from services.forms.domain import ISSUED, FormInstance
from services.forms.errors import NotFound
from shared.actor import RequestMeta

router = APIRouter(tags=["forms"])
MAX_CASES = 100  # a composed view's page of cases (a therapist's week is about 30)
CaseIds = Query(min_length=1, max_length=MAX_CASES,
                description=f"a case id, repeated for each case (1 to {MAX_CASES})")  # fmt: skip
SessionIds = Query(None, max_length=MAX_CASES,
                   description=f"only the forms of these sessions (up to {MAX_CASES})")  # fmt: skip


def form_view(form: FormInstance) -> dict[str, Any]:
    r = form.response or {}
    return {
        "form_id": form.id, "version": form.version, "case_id": form.case_id,
        "site_id": form.site_id, "purpose": form.purpose, "status": form.status,
        "questionnaires": form.questionnaires, "optional": form.optional,
        "session_id": form.session_id, "session_number": form.session_number,
        "due_at": form.due_at, "link_expires_at": form.link_expires_at,
        "scores": r.get("scores"), "bands": r.get("bands"), "caseness": r.get("caseness"),
        "risk_level": r.get("risk_level"), "risk_codes": r.get("risk_codes"),
        "flag_id": r.get("flag_id"), "submitted_via": r.get("submitted_via"),
        "submitted_at": r.get("submitted_at"),
    }  # fmt: skip


def link_url(request: Request, token: str) -> str:
    return f"{request.app.state.public_base_url}/f/{token}"


@router.get("/forms/{form_id}")
async def get_form(form_id: UUID, forms: Forms, _: RequestMeta) -> dict[str, Any]:
    return form_view(await forms.form(form_id))


@router.get("/forms/{form_id}/link")
async def get_link(form_id: UUID, forms: Forms, _: RequestMeta, request: Request) -> dict:
    """The client's link, to send them (by text or email); only while the form is open."""
    form = await forms.form(form_id)
    if form.status != ISSUED:
        raise NotFound(f"the form is {form.status}: it has no open link")
    return {"url": link_url(request, form.link_token), "expires_at": form.link_expires_at}


@router.post("/forms/{form_id}/link", status_code=201)
async def reissue_link(form_id: UUID, forms: Forms, meta: RequestMeta, request: Request) -> dict:
    """A new link; the old one stops working."""
    form, token = await forms.reissue_link(form_id, meta)
    return {"url": link_url(request, token), "expires_at": form.link_expires_at}


@router.post("/forms/{form_id}/responses", status_code=201)
async def enter_response(form_id: UUID, body: ResponseIn, forms: Forms, meta: RequestMeta):
    """A response entered by staff with the client (in the session)."""
    return form_view(await forms.submit_by_staff(form_id, body.plain(), meta))


@router.get("/forms/{form_id}/fhir")
async def export_fhir(form_id: UUID, forms: Forms, _: RequestMeta) -> dict[str, Any]:
    """The response as FHIR R4 QuestionnaireResponses (one per questionnaire) in a Bundle,
    validated by fhir.resources before it is sent."""
    form = await forms.form(form_id)
    if form.response is None:
        raise NotFound("the form has no response yet")
    answered = [catalogue.get(*_ref(ref)) for ref in form.response["questionnaires"]]
    resources = fhir.questionnaire_response(
        str(form.id), str(form.case_id), [q for q in answered if q is not None],
        form.response["answers"], form.response["submitted_at"].isoformat(),
    )  # fmt: skip
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in resources]}  # fmt: skip
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)


@router.get("/cases/{case_id}/forms")
async def case_forms(case_id: UUID, queries: Queries, _: RequestMeta) -> list[dict[str, Any]]:
    """Every form of the case, session by session: whether it came back, and its scores."""
    return await queries.case_forms(case_id)


@router.get("/forms", responses={403: {}, 422: {}})
async def forms_of_cases(
    queries: Queries, meta: RequestMeta, case_id: list[UUID] = CaseIds,
    session_id: list[UUID] | None = SessionIds,
) -> list[dict[str, Any]]:  # fmt: skip
    """Per case named (each once, in the order asked): its forms as `/cases/{case_id}/forms`
    has them (with `session_id`, only those of these sessions), an empty list if none. The
    gateway's own lookup for its composed views, which decide each case's parts by the
    policy table: no member of staff may call it."""
    if meta.actor.role != "gateway":
        raise HTTPException(403, "only the gateway's own lookups may read many cases' forms")
    return await queries.forms_of_cases(case_id, session_id)


@router.get("/questionnaires")
async def questionnaires() -> list[dict[str, Any]]:
    return [fhir.questionnaire(q) for q in catalogue.PUBLISHED.values()]


@router.get("/questionnaires/{key}/{version}")
async def questionnaire(key: str, version: int) -> dict[str, Any]:
    q = catalogue.get(key, version)
    if q is None:
        raise NotFound(f"no questionnaire {key} version {version}")
    return fhir.questionnaire(q)


def _ref(ref: str) -> tuple[str, int]:
    key, version = ref.split("|")
    return key, int(version)
