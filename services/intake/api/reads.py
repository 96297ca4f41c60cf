"""Query routes for staff apps: a case, its timeline, a site's waiting list, a caseload."""

from uuid import UUID

from fastapi import APIRouter, Query

from services.intake.api.deps import Queries
from services.intake.api.values import SiteId, StaffRefInPath
from services.intake.api.views import CaseloadEntry, CaseOut, TimelineEntry, WaitingEntry
from shared.actor import RequestMeta

router = APIRouter(tags=["queries"])


@router.get("/cases/{case_id}", response_model=CaseOut)
async def get_case(case_id: UUID, queries: Queries, _: RequestMeta):
    return CaseOut.of(await queries.case(case_id), queries.today())


@router.get("/cases/{case_id}/timeline", response_model=list[TimelineEntry])
async def case_timeline(case_id: UUID, queries: Queries, _: RequestMeta):
    return await queries.timeline(case_id)


@router.get("/sites/{site_id}/waiting-list", response_model=list[WaitingEntry])
async def waiting_list(
    site_id: SiteId,
    queries: Queries,
    _: RequestMeta,
    past_weeks: int | None = Query(default=None, ge=0, le=520, description="e.g. 6 or 18"),
):
    """Clients waiting for treatment at the site, oldest referral first, with the days each
    has waited (less pauses); `past_weeks` keeps those waiting longer than that."""
    return await queries.waiting_list(site_id, past_weeks)


@router.get("/therapists/{therapist_id}/caseload", response_model=list[CaseloadEntry])
async def caseload(therapist_id: StaffRefInPath, queries: Queries, _: RequestMeta):
    return await queries.caseload(therapist_id)
