"""Reads for staff: a client's course, the diaries (a therapist's week, a room's or a site's
day) from the reservations, and a therapist's diary as iCalendar."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from services.scheduling import diary, errors
from services.scheduling.application import Store
from services.scheduling.domain import Course
from services.scheduling.ical import diary_ics
from services.scheduling.site import Site
from services.scheduling.site_calendar import DEFAULT_ZONE

ICS_PAST_DAYS, ICS_FUTURE_DAYS = 60, 400


class SchedulingQueries(Store):
    @property
    def pool(self) -> asyncpg.Pool:
        return self.store.pool

    async def course_of(self, case_id: UUID) -> Course:
        return await self.course(case_id)

    async def site_of(self, site_id: str) -> Site:
        site = await self.site(site_id)
        if site is None:
            raise errors.NotFound(f"no site {site_id}")
        return site

    async def therapist_week(self, therapist_id: str, monday: date) -> list[Any]:
        start, end = (
            _local_day(monday, DEFAULT_ZONE),
            _local_day(monday + timedelta(7), DEFAULT_ZONE),
        )
        return await diary.between(self.pool, start, end, therapist_id=therapist_id)

    async def site_day(self, site_id: str, day: date, room_id: str | None = None) -> list[Any]:
        site = await self.site(site_id)
        zone = site.time_zone if site else DEFAULT_ZONE
        if room_id is not None and (site is None or room_id not in site.rooms):
            raise errors.NotFound(f"no room {room_id} at site {site_id}")
        start, end = _local_day(day, zone), _local_day(day + timedelta(1), zone)
        where = {"site_id": site_id, **({"room_id": room_id} if room_id else {})}
        return await diary.between(self.pool, start, end, **where)

    async def therapist_ics(self, therapist_id: str, now: datetime) -> bytes:
        start, end = now - timedelta(ICS_PAST_DAYS), now + timedelta(ICS_FUTURE_DAYS)
        rows = await diary.between(self.pool, start, end, therapist_id=therapist_id)
        return diary_ics(therapist_id, rows, now.astimezone(UTC))


def _local_day(day: date, zone: str) -> datetime:
    """Local midnight: a day at the site is 23 or 25 hours long on a clock change."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
