"""The course of therapy of a case, as events. Pure domain: the standard library,
eventsourcing.domain and the pure scheduling modules only.

Intake's allocation opens the course; the therapist plans it (first date, weekday, local
time, room or remote, number of sessions); the course books every session weekly and keeps
it in its place through breaks, re-plans, cancellations and clock changes. Split by
responsibility: booking and moving sessions (booking.py), attendance and cancellations
(attendance.py), what intake's events mean for the course (lifecycle.py).
"""

from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.scheduling import errors
from services.scheduling.attendance import Attendance
from services.scheduling.backdating import Backdating
from services.scheduling.changes import Changes
from services.scheduling.layout import Pattern, lay_out
from services.scheduling.lifecycle import REQUIRED_CONSENTS, Lifecycle
from services.scheduling.planning import check_first_slot, pattern_for
from services.scheduling.site_calendar import SESSION_MINUTES, WEEKDAYS, Calendar
from services.scheduling.states import AWAITING_PLAN, PLANNED

COURSE_IDS = UUID("0f6f2a52-3c0e-4d1b-9a6e-5d6c1c1e7a10")
MAX_SESSIONS = 40


class Course(Backdating, Attendance, Changes, Lifecycle):
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
        self.backdated = None

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
        pattern = pattern_for(day_name, local_time, mode, room_id, calendar)
        check_first_slot("first_date", first_date, local_time, calendar, now)
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


def course_id_of(case_id: UUID) -> UUID:
    return uuid5(COURSE_IDS, str(case_id))
