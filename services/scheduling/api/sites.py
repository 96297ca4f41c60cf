"""Routes of sites (rooms, closures) and of the diaries: a therapist's week and .ics feed,
a room's day, a site's day."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from services.scheduling.api import schemas as s
from services.scheduling.api.deps import Queries, Scheduling, clock_from_header
from services.scheduling.api.views import AppointmentOut, ClosureOut, SiteOut
from services.scheduling.application import utc_now
from shared.actor import RequestMeta

router = APIRouter(dependencies=[Depends(clock_from_header)])
Day = Annotated[date, Query(alias="date", description="the local day at the site")]


@router.post("/sites", status_code=201, response_model=SiteOut, tags=["sites"])
async def register_site(body: s.SiteIn, app: Scheduling, meta: RequestMeta):
    return SiteOut.of(await app.register_site(**body.model_dump(), meta=meta))


@router.get("/sites/{site_id}", response_model=SiteOut, tags=["sites"])
async def site(site_id: str, queries: Queries, _: RequestMeta):
    return SiteOut.of(await queries.site_of(site_id))


@router.post("/sites/{site_id}/rooms", status_code=201, response_model=SiteOut, tags=["sites"])
async def add_room(site_id: str, body: s.RoomIn, app: Scheduling, meta: RequestMeta):
    return SiteOut.of(await app.add_room(site_id, **body.model_dump(), meta=meta))


@router.post(
    "/sites/{site_id}/closures", status_code=201, response_model=ClosureOut, tags=["sites"]
)
async def plan_closure(site_id: str, body: s.ClosureIn, app: Scheduling, meta: RequestMeta):
    """The sessions booked on the closure move to the next open day of their week (or on)."""
    outcome = await app.plan_closure(site_id, **body.model_dump(), meta=meta)
    return ClosureOut(
        **SiteOut.of(outcome.site).model_dump(),
        sessions_moved=outcome.sessions_moved,
        not_moved=outcome.not_moved,
    )


@router.get("/sites/{site_id}/day", response_model=list[AppointmentOut], tags=["diaries"])
async def site_day(site_id: str, queries: Queries, _: RequestMeta, day: Day):
    return [AppointmentOut.of(r) for r in await queries.site_day(site_id, day)]


@router.get(
    "/sites/{site_id}/rooms/{room_id}/day", response_model=list[AppointmentOut], tags=["diaries"]
)
async def room_day(site_id: str, room_id: str, queries: Queries, _: RequestMeta, day: Day):
    return [AppointmentOut.of(r) for r in await queries.site_day(site_id, day, room_id)]


@router.get(
    "/therapists/{therapist_id}/week", response_model=list[AppointmentOut], tags=["diaries"]
)
async def therapist_week(
    therapist_id: str, queries: Queries, _: RequestMeta, start: date | None = None
):
    """The week from Monday `start` (this week by default), at Europe/London midnight."""
    day = start or utc_now().date()
    monday = day - timedelta(days=day.weekday())
    return [AppointmentOut.of(r) for r in await queries.therapist_week(therapist_id, monday)]


@router.get("/therapists/{therapist_id}/calendar.ics", tags=["diaries"])
async def therapist_ics(therapist_id: str, queries: Queries, _: RequestMeta) -> Response:
    body = await queries.therapist_ics(therapist_id, utc_now())
    return Response(body, media_type="text/calendar; charset=utf-8")
