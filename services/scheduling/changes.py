"""Changes to a planned course: a re-plan from a date, a break, and the site's closures
planned after the sessions were booked. Sessions already held stay where they were; the
booked ones are laid out again weekly (layout.py). A base class of Course (domain.py); pure.
"""

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import event

from services.scheduling import errors
from services.scheduling.booking import Booking
from services.scheduling.layout import Break, Busy, Pattern
from services.scheduling.planning import pattern_for
from services.scheduling.site_calendar import Calendar, local_moment

BREAK_KINDS = ("therapist_leave", "client_holiday", "site_closure")


class Changes(Booking):
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
        busy: Busy | None = None,
    ) -> None:
        """New weekday, time or place for the booked sessions from `from_date` on; a week
        whose new slot another booking holds (`busy`) has its session on the next open and
        free day of that week, the reason recorded."""
        self._require_planned("re-plan the course")
        pattern_for(weekday, local_time, mode, room_id, calendar)
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
        self._lay_out_again(moving, calendar, from_date, not_before, "replan", meta, busy)

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
        busy: Busy | None = None,
    ) -> int:
        """Sessions the break covers move to the following weeks, and those after them
        with them, on days the diaries (`busy`) leave free; returns how many moved."""
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
            first = moving[0].day
            self._lay_out_again(moving, calendar, first, not_before, "break", meta, busy)
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

    def respect_closures(
        self, *, calendar: Calendar, now: datetime, meta: dict, busy: Busy | None = None
    ) -> int:
        """A closure planned after the sessions were booked: the first booked session it
        closes, and those after it, are laid out again on days the diaries (`busy`) leave
        free; returns how many moved."""
        self._require_planned("move the sessions off the closure")
        booked = [s for s in self.booked_sessions() if s.starts_at > now]
        closed = [s for s in booked if calendar.refusal(s.day, s.at) is not None]
        if not closed:
            return 0
        moving = [s for s in booked if s.starts_at >= closed[0].starts_at]
        before = [s.ends_at for s in self.live_sessions() if s.starts_at < moving[0].starts_at]
        versions = self.version
        not_before = max([now, *before])
        self._lay_out_again(moving, calendar, moving[0].day, not_before, "closure", meta, busy)
        return self.version - versions
