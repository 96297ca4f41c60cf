"""Query routes for staff apps: a case, its timeline, a site's waiting list and its counts
against the standards, a caseload."""

from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from services.intake.api.deps import Queries
from services.intake.api.values import SiteId, StaffRefInPath
from services.intake.api.views import (
    CaseloadEntry,
    CaseOut,
    TimelineEntry,
    WaitingEntry,
    WaitingStandards,
)
from shared.actor import RequestMeta

router = APIRouter(tags=["queries"])
MAX_WAITING = 1000  # a page of a site's waiting list
MAX_CASES = 100  # a composed view's page of cases (a therapist's week is about 30)
CaseIds = Query(min_length=1, max_length=MAX_CASES,
                description=f"a case id, repeated for each case (1 to {MAX_CASES})")  # fmt: skip


@router.get("/cases", response_model=list[CaseOut], responses={403: {}, 422: {}})
async def get_cases(queries: Queries, meta: RequestMeta, case_id: list[UUID] = CaseIds):
    """The cases named, each once in the order asked; an id intake does not know is left
    out. The gateway's own lookup for its composed views, which decide each case's parts by
    the policy table and record each case shown: no member of staff may call it."""
    if meta.actor.role != "gateway":
        raise HTTPException(403, "only the gateway's own lookups may read many cases at once")
    today = queries.today()
    return [CaseOut.of(case, today) for case in await queries.cases(case_id)]


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
    limit: int = Query(default=100, ge=1, le=MAX_WAITING, description="entries of the page"),
    offset: int = Query(default=0, ge=0, description="entries before the page"),
):
    """Clients waiting for treatment at the site, oldest referral first, with the days each
    has waited (less pauses); `past_weeks` keeps those waiting longer than that. A page of
    `limit` entries after the first `offset`; how many wait in all is `waiting-standards`."""
    return await queries.waiting_list(site_id, past_weeks, limit=limit, offset=offset)


@router.get("/sites/{site_id}/waiting-standards", response_model=WaitingStandards)
async def waiting_standards(site_id: SiteId, queries: Queries, _: RequestMeta):
    """How many clients of the site wait for treatment today, and how many of them have
    waited no more than 6 weeks and 18 weeks (the standards: 75% and 95%)."""
    return await queries.waiting_standards(site_id)


@router.get("/therapists/{therapist_id}/caseload", response_model=list[CaseloadEntry])
async def caseload(therapist_id: StaffRefInPath, queries: Queries, _: RequestMeta):
    return await queries.caseload(therapist_id)
