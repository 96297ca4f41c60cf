"""The scheduling application: every command on sites and courses, over the shared event
store. Get, mutate, save; ids, the clock and the site's calendar are supplied here, so the
domain stays pure. A save that would double-book a therapist or a room fails in the
database (readmodel.py) and becomes a Clash naming what is booked there.
"""

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from eventsourcing.domain import Aggregate
from prometheus_client import Counter

from services.scheduling import errors
from services.scheduling.bank_holidays import bank_holidays
from services.scheduling.clashes import clash_of
from services.scheduling.domain import Course, course_id_of
from services.scheduling.inflight import InFlight, Span
from services.scheduling.site import Site, default_calendar, site_aggregate_id
from services.scheduling.site_calendar import Calendar
from shared.envelope import Meta
from shared.eventstore import AggregateNotFound, EventStore

Clock = Callable[[], datetime]
# Refused bookings, by what found the clash: the check before saving, or the database's
# exclusion constraint when two commands raced past the check.
CLASHES = Counter(
    "rapport_scheduling_clashes_total", "Bookings refused as double bookings.", ["found_by"]
)


# Set per request by the API in the test environment only (api/deps.py); else the machine's.
CLOCK: ContextVar[datetime | None] = ContextVar("scheduling_clock", default=None)


def utc_now() -> datetime:
    return CLOCK.get() or datetime.now(UTC)


def new_ids() -> Iterator[UUID]:
    while True:
        yield uuid4()


class Store:
    """Typed gets and saves that turn a database clash into the domain's Clash."""

    def __init__(self, store: EventStore):
        self.store = store
        self.in_flight = InFlight()
        self._calendars: dict[tuple[str, int, int], Calendar] = {}

    async def course(self, case_id: UUID, conn: asyncpg.Connection | None = None) -> Course:
        try:
            course = await self.store.get(course_id_of(case_id))
        except AggregateNotFound:
            raise errors.NotFound(
                f"no course for case {case_id}: not allocated in intake"
            ) from None
        assert isinstance(course, Course)
        return course

    async def site(self, site_id: str) -> Site | None:
        try:
            return await self.store.get(site_aggregate_id(site_id))
        except AggregateNotFound:
            return None

    @staticmethod
    async def calendar_closures(now: datetime) -> dict[date, str]:
        """The bank holidays of the years a course planned now may reach."""
        return _bank_holidays_from(now.year)

    async def calendar(self, site_id: str, now: datetime) -> Calendar:
        """The site's calendar, rebuilt only when the site has changed: one small query
        asks its version (every command needs the calendar; the site rarely changes)."""
        version = await self.store.pool.fetchval(
            "SELECT max(originator_version) FROM stored_events WHERE originator_id = $1",
            site_aggregate_id(site_id),
        )
        key = (site_id, version or 0, now.year)
        if key not in self._calendars:
            closures = await self.calendar_closures(now)
            site = await self.site(site_id)
            built = site.calendar(closures) if site else default_calendar(site_id, closures)
            if len(self._calendars) > 1024:
                self._calendars.clear()
            self._calendars[key] = built
        return self._calendars[key]

    async def save(
        self, action: str, *aggregates: Aggregate, conn: asyncpg.Connection | None = None
    ) -> None:
        """Save; a course whose sessions clash with the diaries is refused (errors.Clash)."""
        courses = [a for a in aggregates if isinstance(a, Course)]
        if conn is not None:
            # A consumer's own transaction (it holds the event table's lock until it commits):
            # it shares no group commit, and waiting here on a save that waits for that lock
            # would stall both until the lock times out.
            await self._check_and_save(action, courses, aggregates, conn)
            return
        async with self.in_flight.holding(span for c in courses for span in spans_of(c)):
            await self._check_and_save(action, courses, aggregates, conn)

    async def _check_and_save(
        self,
        action: str,
        courses: list[Course],
        aggregates: tuple[Aggregate, ...],
        conn: asyncpg.Connection | None,
    ) -> None:
        for course in courses:
            found = await clash_of(conn or self.store.pool, course)
            if found:
                CLASHES.labels("check").inc()
                raise errors.Clash(action, found)
        try:
            await self.store.save(*aggregates, conn=conn)
        except asyncpg.ExclusionViolationError:
            # Another command took the time between the check and this save.
            CLASHES.labels("constraint").inc()
            found = await clash_of(self.store.pool, courses[0]) if courses else None
            raise errors.Clash(action, found or "the time was booked at the same moment") from None


@lru_cache(maxsize=8)
def _bank_holidays_from(year: int) -> dict[date, str]:
    return bank_holidays(range(year - 1, year + 6))


def spans_of(course: Course) -> list[Span]:
    """The diary times a save of the course takes: its therapists' and its rooms'."""
    spans: list[Span] = []
    for s in course.live_sessions():
        if s.to_rebook:
            continue
        spans.append((("therapist", s.therapist_id), s.starts_at, s.ends_at))
        if s.room_id:
            spans.append((("room", course.site_id, s.room_id), s.starts_at, s.ends_at))
    return spans


def meta_of(meta: Meta, case_id: UUID | None, site_id: str | None) -> dict[str, Any]:
    return meta.model_copy(update={"case_id": case_id, "site_id": site_id}).for_event()
