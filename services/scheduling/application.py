"""The scheduling application: every command on sites and courses, over the shared event
store. Get, mutate, save; ids, the clock and the site's calendar are supplied here, so the
domain stays pure. A save that would double-book a therapist or a room fails in the
database (readmodel.py) and becomes a Clash naming what is booked there.
"""

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from eventsourcing.domain import Aggregate
from prometheus_client import Counter

from services.scheduling import errors
from services.scheduling.bank_holidays import bank_holidays
from services.scheduling.clashes import clash_of
from services.scheduling.domain import Course, course_id_of
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
        return bank_holidays(range(now.year - 1, now.year + 6))

    async def calendar(self, site_id: str, now: datetime) -> Calendar:
        closures = await self.calendar_closures(now)
        site = await self.site(site_id)
        return site.calendar(closures) if site else default_calendar(site_id, closures)

    async def save(
        self, action: str, *aggregates: Aggregate, conn: asyncpg.Connection | None = None
    ) -> None:
        """Save; a course whose sessions clash with the diaries is refused (errors.Clash)."""
        courses = [a for a in aggregates if isinstance(a, Course)]
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


def meta_of(meta: Meta, case_id: UUID | None, site_id: str | None) -> dict[str, Any]:
    return meta.model_copy(update={"case_id": case_id, "site_id": site_id}).for_event()
