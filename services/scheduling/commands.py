"""Commands of staff on courses and sites. Each: get, compute with the clock and the site's
calendar, mutate, save (application.py has the store's side)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from services.scheduling import diary, errors
from services.scheduling.application import Clock, Store, meta_of, new_ids, utc_now
from services.scheduling.domain import Course
from services.scheduling.layout import Busy
from services.scheduling.sessions import CANCELLATION_CODES
from services.scheduling.site import Site
from shared.envelope import Meta
from shared.eventstore import ConcurrencyConflict, EventStore

Pick = tuple[date, str] | None
# How far past a course's last session an automatic rebook or a re-plan reads the diaries.
DIARY_WEEKS_AHEAD = 26


@dataclass
class ClosureOutcome:
    """A planned closure, the sessions it moved, and the courses that could not be moved (a
    clash: for staff to rebook by hand)."""

    site: Site
    sessions_moved: int = 0
    not_moved: list[dict[str, str]] = field(default_factory=list)


class SchedulingApplication(Store):
    def __init__(self, store: EventStore, clock: Clock = utc_now):
        super().__init__(store)
        self.clock = clock

    async def plan_course(self, case_id: UUID, *, meta: Meta, **plan: Any) -> Course:
        course, now = await self.course(case_id), self.clock()
        course.plan(
            **plan,
            calendar=await self.calendar(course.site_id, now),
            now=now,
            new_ids=new_ids(),
            meta=self._meta(meta, course),
        )
        await self.save("plan the course", course)
        return course

    async def replan_course(self, case_id: UUID, *, meta: Meta, **plan: Any) -> Course:
        course, now = await self.course(case_id), self.clock()
        calendar = await self.calendar(course.site_id, now)
        start = datetime.combine(plan["from_date"], time(0), tzinfo=ZoneInfo(calendar.zone))
        rooms = {plan["room_id"]} if plan.get("room_id") else set()
        course.replan(
            **plan,
            calendar=calendar,
            now=now,
            meta=self._meta(meta, course),
            busy=await self._busy(course, course.therapist_id, rooms, start),
        )
        await self.save("re-plan the course", course)
        return course

    async def plan_break(self, case_id: UUID, *, meta: Meta, **period: Any) -> tuple[Course, int]:
        course, now = await self.course(case_id), self.clock()
        calendar = await self.calendar(course.site_id, now)
        start = datetime.combine(period["starts_on"], time(0), tzinfo=ZoneInfo(calendar.zone))
        moved = course.plan_break(
            **period,
            break_id=uuid4(),
            now=now,
            meta=self._meta(meta, course),
            calendar=calendar,
            busy=await self._busy_of_pattern(course, start),
        )
        await self.save("plan the break", course)
        return course, moved

    async def cancel_session(
        self, case_id: UUID, session_id: UUID, *, code: str, meta: Meta, pick: Pick = None
    ) -> tuple[Course, UUID]:
        course, now, new_id = await self.course(case_id), self.clock(), uuid4()
        course.cancel(
            session_id=session_id,
            code=code,
            new_id=new_id,
            pick=pick,
            now=now,
            calendar=await self.calendar(course.site_id, now),
            meta=self._meta(meta, course),
            busy=await self._busy_from(course, session_id),
        )
        await self.save("rebook the cancelled session", course)
        return course, new_id

    async def rebook_session(
        self, case_id: UUID, session_id: UUID, *, meta: Meta, pick: Pick = None
    ) -> tuple[Course, UUID]:
        course, now = await self.course(case_id), self.clock()
        booked = course.rebook(
            session_id=session_id,
            new_id=uuid4(),
            pick=pick,
            now=now,
            calendar=await self.calendar(course.site_id, now),
            meta=self._meta(meta, course),
            busy=await self._busy_from(course, session_id),
        )
        await self.save("rebook the session", course)
        return course, booked

    async def _busy_from(self, course: Course, session_id: UUID) -> Busy:
        """The diaries of the session's therapist and room, and of the course's room, from
        its week on: an automatic rebook lands on a free time that week or a later one."""
        s = course.session(session_id)
        rooms = {r for r in (s.room_id, course.pattern and course.pattern.room_id) if r}
        return await self._busy(course, s.therapist_id, rooms, s.starts_at - timedelta(days=7))

    async def _busy_of_pattern(self, course: Course, start: datetime) -> Busy:
        """The diaries of the course's therapist and room from `start` on."""
        room = course.pattern.room_id if course.pattern else None
        return await self._busy(course, course.therapist_id, {room} if room else set(), start)

    async def _busy(self, course: Course, therapist_id: str, rooms: set, start: datetime) -> Busy:
        """What other courses and assessments hold in the diaries from `start` until well
        past the course's last session (later sessions move on when one is rebooked)."""
        last = max([start, *(s.ends_at for s in course.live_sessions())])
        end = last + timedelta(weeks=DIARY_WEEKS_AHEAD)
        site_rooms = (course.site_id, rooms)
        return await diary.taken(self.store.pool, course.id, therapist_id, site_rooms, start, end)

    async def record_attendance(
        self, case_id: UUID, session_id: UUID, *, code: str, meta: Meta
    ) -> tuple[Course, UUID | None]:
        """Codes 2 and 4 are cancellations: the session is rebooked (its id returned)."""
        if code in CANCELLATION_CODES:
            return await self.cancel_session(case_id, session_id, code=code, meta=meta)
        course = await self.course(case_id)
        course.record_attendance(
            session_id=session_id, code=code, now=self.clock(), meta=self._meta(meta, course)
        )
        await self.save("record attendance", course)
        return course, None

    async def decide(self, case_id: UUID, *, decision: str, meta: Meta) -> Course:
        course = await self.course(case_id)
        course.decide(decision=decision, meta=self._meta(meta, course))
        await self.save("record the decision", course)
        return course

    async def register_site(self, *, site_id: str, meta: Meta, **details: Any) -> Site:
        site = Site.register(site_id=site_id, **details, meta=meta_of(meta, None, site_id))
        await self.save("register the site", site)
        return site

    async def add_room(self, site_id: str, *, room_id: str, name: str, meta: Meta) -> Site:
        site = await self._site(site_id)
        site.add_room(room_id=room_id, name=name, meta=meta_of(meta, None, site_id))
        await self.save("add the room", site)
        return site

    async def plan_closure(self, site_id: str, *, meta: Meta, **closure: Any) -> ClosureOutcome:
        """A closure the site manager plans; the courses booked on it are laid out again."""
        site = await self._site(site_id)
        site.plan_closure(closure_id=uuid4(), **closure, meta=meta_of(meta, None, site_id))
        await self.save("plan the closure", site)
        outcome = ClosureOutcome(site)
        now = self.clock()
        calendar = site.calendar(await self.calendar_closures(now))
        for case_id in await diary.cases_booked(
            self.store.pool, site_id, calendar, closure["starts_on"], closure["ends_on"]
        ):
            course = await self.course(case_id)
            start = datetime.combine(closure["starts_on"], time(0), tzinfo=ZoneInfo(calendar.zone))
            moved = course.respect_closures(
                calendar=calendar,
                now=now,
                meta=self._meta(meta, course),
                busy=await self._busy_of_pattern(course, start),
            )
            try:
                await self.save("move the sessions off the closure", course)
                outcome.sessions_moved += moved
            except (errors.Clash, ConcurrencyConflict) as error:
                outcome.not_moved.append({"case_id": str(case_id), "why": str(error)})
        return outcome

    async def _site(self, site_id: str) -> Site:
        site = await self.site(site_id)
        if site is None:
            raise errors.NotFound(f"no site {site_id}: register it first")
        return site

    @staticmethod
    def _meta(meta: Meta, course: Course) -> dict[str, Any]:
        return meta_of(meta, course.case_id, course.site_id)
