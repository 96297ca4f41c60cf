"""Courses held before a site went live on Rapport: the site manager enters a course from
its paper records, its first session in the past, so that its sessions' attendance can then
be recorded from the notes. A base class of Course (domain.py); pure.

The ordinary plan refuses a first session in the past (a plan is made before the course
starts, and scheduling's clock is the machine's). This is the one way past that rule, and it
is narrow and visible: the site manager only (the gateway's policy, `course.backdate`, and
the route again), a first session in the past but within two years, a reason from a closed
list, and a CoursePlanBackdated event before the plan, so the ledger shows who back-dated
which course, when they did it (the event's time) and why. Everything after the plan keeps
the ordinary rules: attendance only of sessions that have started, the consents, the IPAF.
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from services.scheduling import errors
from services.scheduling.site_calendar import Calendar, local_moment
from services.scheduling.states import CourseState

# Why a course may be entered after it began: closed, so a report can count each kind.
BACKDATING_REASONS = ("held_before_go_live",)
BACKDATING_ROLE = "site_manager"
OLDEST = timedelta(days=730)


class Backdating(CourseState):
    if TYPE_CHECKING:  # attributes and methods that Course has
        case_id: UUID
        backdated: dict[str, Any] | None
        plan: Callable[..., None]

    def plan_backdated(
        self,
        *,
        reason: str,
        first_date: date,
        local_time: str,
        calendar: Calendar,
        now: datetime,
        new_ids: Iterator[UUID],
        meta: dict,
        **plan: Any,
    ) -> None:
        """The plan as it was made just before its first session; `now` is the real clock."""
        if reason not in BACKDATING_REASONS:
            raise errors.InvalidInput("reason", f"one of {', '.join(BACKDATING_REASONS)}")
        first = local_moment(first_date, local_time, calendar.zone)
        if first >= now:
            raise errors.InvalidInput("first_date", "is not in the past: plan the course as usual")
        if first < now - OLDEST:
            raise errors.InvalidInput("first_date", "more than two years ago")
        self._require_open("back-date the course")
        self._course_plan_backdated(
            case_id=self.case_id,
            course_id=self.id,
            first_date=first_date,
            reason=reason,
            meta=meta,
        )
        as_of = first - timedelta(seconds=1)
        self.plan(
            first_date=first_date,
            local_time=local_time,
            calendar=calendar,
            now=as_of,
            new_ids=new_ids,
            meta=meta,
            **plan,
        )

    @event("CoursePlanBackdated")
    def _course_plan_backdated(
        self, case_id: UUID, course_id: UUID, first_date: date, reason: str, meta: dict
    ) -> None:
        self.backdated = {"first_date": first_date, "reason": reason}
