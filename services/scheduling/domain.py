"""The course of therapy of a case, as events. Pure domain: the standard library,
eventsourcing.domain and the pure scheduling modules only.

Intake's allocation opens the course; the therapist plans it (first date, weekday, local
time, room or remote, number of sessions); the course books every session weekly and keeps
it in its place through breaks, re-plans, cancellations and clock changes. Split by
responsibility: booking and moving sessions (booking.py), attendance and cancellations
(attendance.py), what intake's events mean for the course (lifecycle.py).
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from services.scheduling import errors
from services.scheduling.attendance import Attendance
from services.scheduling.layout import Break, Pattern, lay_out
from services.scheduling.lifecycle import REQUIRED_CONSENTS, Lifecycle
from services.scheduling.site_calendar import SESSION_MINUTES, WEEKDAYS, Calendar, local_moment
from services.scheduling.states import AWAITING_PLAN, PLANNED

COURSE_IDS = UUID("0f6f2a52-3c0e-4d1b-9a6e-5d6c1c1e7a10")
MODES = ("room", "video", "phone")
BREAK_KINDS = ("therapist_leave", "client_holiday", "site_closure")
MAX_SESSIONS = 40


class Course(Attendance, Lifecycle):
    if TYPE_CHECKING:  # the event class that @event("CourseOpened") makes at runtime
        CourseOpened: ClassVar[type[Aggregate.Created]]

    @event("CourseOpened")
    def __init__(
        self,
        *,
        id: UUID,
        case_id: UUID,
        course_id: UUID,
        site_id: str,
        therapist_id: str,
        allocated_on: date,
        meta: dict,
    ) -> None:
        self.case_id = case_id
        self.site_id = site_id
        self.therapist_id = therapist_id
        self.allocated_on = allocated_on
        self.status = AWAITING_PLAN
        self.sessions = {}
        self.sessions_planned = 0
        self.pattern = None
        self.breaks = []
        self.consents = {}
        self.missing_consents = list(REQUIRED_CONSENTS)
        self.treatment_withdrawn = False
        self.at_risk = None
        self.decisions = []
        self.ended = None

    @classmethod
    def open(
        cls, *, case_id: UUID, site_id: str, therapist_id: str, allocated_on: date, meta: dict
    ) -> "Course":
        """The one course of a case: its id follows from the case's, so opening it twice
        (an allocation delivered twice) meets the first one in the store."""
        course_id = course_id_of(case_id)
        return cls(
            id=course_id,
            case_id=case_id,
            course_id=course_id,
            site_id=site_id,
            therapist_id=therapist_id,
            allocated_on=allocated_on,
            meta=meta,
        )

    def plan(
        self,
        *,
        first_date: date,
        local_time: str,
        mode: str,
        room_id: str | None,
        sessions: int,
        calendar: Calendar,
        now: datetime,
        new_ids: Iterator[UUID],
        meta: dict,
        weekday: str | None = None,
    ) -> None:
        self._require_open("plan the course")
        if self.status != AWAITING_PLAN:
            raise errors.CourseAlreadyPlanned("plan the course", "it is planned; re-plan it")
        if not 1 <= sessions <= MAX_SESSIONS:
            raise errors.InvalidInput("sessions", f"must be from 1 to {MAX_SESSIONS}")
        day_name = WEEKDAYS[first_date.weekday()]
        if weekday is not None and weekday != day_name:
            raise errors.InvalidInput("weekday", f"{first_date.isoformat()} is a {day_name}")
        pattern = self._pattern(day_name, local_time, mode, room_id, calendar)
        self._check_slot("first_date", first_date, local_time, calendar, now)
        self._course_planned(
            case_id=self.case_id,
            course_id=self.id,
            first_date=first_date,
            weekday=day_name,
            local_time=local_time,
            time_zone=calendar.zone,
            mode=mode,
            room_id=room_id,
            sessions_planned=sessions,
            duration_minutes=SESSION_MINUTES,
            meta=meta,
        )
        numbers = list(range(1, sessions + 1))
        for placed in lay_out(numbers, pattern, calendar, [], first_date, now):
            self._book(
                placed.number,
                placed.day,
                pattern,
                next(new_ids),
                meta,
                None,
                placed.reason,
                placed.detail,
                placed.expected,
            )

    @event("CoursePlanned")
    def _course_planned(
        self,
        case_id: UUID,
        course_id: UUID,
        first_date: date,
        weekday: str,
        local_time: str,
        time_zone: str,
        mode: str,
        room_id: str | None,
        sessions_planned: int,
        duration_minutes: int,
        meta: dict,
    ) -> None:
        self.status = PLANNED
        self.sessions_planned = sessions_planned
        self.pattern = Pattern(weekday, local_time, time_zone, mode, room_id)

    def replan(
        self,
        *,
        from_date: date,
        weekday: str,
        local_time: str,
        mode: str,
        room_id: str | None,
        calendar: Calendar,
        now: datetime,
        meta: dict,
    ) -> None:
        """New weekday, time or place for the booked sessions from `from_date` on."""
        self._require_planned("re-plan the course")
        self._pattern(weekday, local_time, mode, room_id, calendar)
        if from_date < now.astimezone(ZoneInfo(calendar.zone)).date():
            raise errors.InvalidInput("from_date", "must not be in the past")
        moving = [s for s in self.booked_sessions() if s.day >= from_date]
        if not moving:
            raise errors.InvalidInput("from_date", "no booked session is on or after it")
        kept = [s.ends_at for s in self.live_sessions() if s.day < from_date]
        not_before = max([now, local_moment(from_date, "00:00", calendar.zone), *kept])
        self._course_replanned(
            case_id=self.case_id,
            course_id=self.id,
            from_date=from_date,
            weekday=weekday,
            local_time=local_time,
            time_zone=calendar.zone,
            mode=mode,
            room_id=room_id,
            meta=meta,
        )
        self._lay_out_again(moving, calendar, from_date, not_before, "replan", meta)

    @event("CourseReplanned")
    def _course_replanned(
        self,
        case_id: UUID,
        course_id: UUID,
        from_date: date,
        weekday: str,
        local_time: str,
        time_zone: str,
        mode: str,
        room_id: str | None,
        meta: dict,
    ) -> None:
        self.pattern = Pattern(weekday, local_time, time_zone, mode, room_id)

    def plan_break(
        self,
        *,
        break_id: UUID,
        starts_on: date,
        ends_on: date,
        kind: str,
        description: str,
        calendar: Calendar,
        now: datetime,
        meta: dict,
    ) -> int:
        """Sessions the break covers move to the following weeks, and those after them
        with them; returns how many sessions moved."""
        self._require_planned("plan a break")
        if kind not in BREAK_KINDS:
            raise errors.InvalidInput("kind", f"one of {', '.join(BREAK_KINDS)}")
        if ends_on < starts_on:
            raise errors.InvalidInput("ends_on", "must not be before starts_on")
        if starts_on < now.astimezone(ZoneInfo(calendar.zone)).date():
            raise errors.InvalidInput("starts_on", "must not be in the past")
        period = Break(starts_on, ends_on)
        booked = self.booked_sessions()
        covered = [s for s in booked if period.covers(s.day)]
        moving = [s for s in booked if covered and s.starts_at >= covered[0].starts_at]
        self._break_planned(
            case_id=self.case_id,
            course_id=self.id,
            break_id=break_id,
            starts_on=starts_on,
            ends_on=ends_on,
            kind=kind,
            description=description,
            sessions_moved=len(moving),
            meta=meta,
        )
        if moving:
            before = [s.ends_at for s in self.live_sessions() if s.starts_at < moving[0].starts_at]
            not_before = max([now, *before])
            self._lay_out_again(moving, calendar, moving[0].day, not_before, "break", meta)
        return len(moving)

    @event("BreakPlanned")
    def _break_planned(
        self,
        case_id: UUID,
        course_id: UUID,
        break_id: UUID,
        starts_on: date,
        ends_on: date,
        kind: str,
        description: str,
        sessions_moved: int,
        meta: dict,
    ) -> None:
        self.breaks.append(
            {
                "break_id": break_id,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "kind": kind,
                "description": description,
            }
        )

    def _pattern(
        self, weekday: str, local_time: str, mode: str, room_id: str | None, calendar: Calendar
    ) -> Pattern:
        if weekday not in WEEKDAYS:
            raise errors.InvalidInput("weekday", "a day of the week, e.g. monday")
        start = datetime.combine(date(2000, 1, 3), _parse_time(local_time))
        end = (start + timedelta(minutes=SESSION_MINUTES)).strftime("%H:%M")
        if mode not in MODES:
            raise errors.InvalidInput("mode", f"one of {', '.join(MODES)}")
        if mode == "room" and room_id not in calendar.rooms:
            raise errors.InvalidInput("room_id", f"not a room of site {calendar.site_id}")
        if mode != "room" and room_id is not None:
            raise errors.InvalidInput("room_id", f"a {mode} session has no room")
        if weekday not in calendar.hours:
            raise errors.InvalidInput("weekday", f"the site is closed on {weekday}s")
        opens, closes = calendar.hours[weekday]
        if not opens <= local_time < end <= closes:
            raise errors.InvalidInput("local_time", f"outside opening hours ({opens}-{closes})")
        return Pattern(weekday, local_time, calendar.zone, mode, room_id)

    @staticmethod
    def _check_slot(field: str, day: date, at: str, calendar: Calendar, now: datetime) -> None:
        refusal = calendar.refusal(day, at)
        if refusal:
            raise errors.InvalidInput(field if "closed" in refusal else "local_time", refusal)
        if local_moment(day, at, calendar.zone) <= now:
            raise errors.InvalidInput(field, "must be in the future")


def _parse_time(value: str) -> time:
    try:
        if len(value) != 5:
            raise ValueError(value)
        return time.fromisoformat(value)
    except ValueError:
        raise errors.InvalidInput("local_time", "HH:MM, e.g. 10:00") from None


def course_id_of(case_id: UUID) -> UUID:
    return uuid5(COURSE_IDS, str(case_id))
