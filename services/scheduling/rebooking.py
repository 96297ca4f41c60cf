"""Cancellations and rebookings of a course's sessions: a cancellation (2 by the client, 4 by
the provider) or a did-not-attend the therapist discounts gets a new session of the same
number; a booked session can move to a slot the therapist picks. A base class of Course
(domain.py); pure.

The new session goes where the therapist picks, or on the next free day of the same week
before the next session, or else in the next week with the later sessions a week on each.
"""

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import event

from services.scheduling import errors
from services.scheduling.booking import Booking, Entry
from services.scheduling.layout import Busy, pattern_of
from services.scheduling.sessions import (
    BOOKED,
    CANCELLATION_CODES,
    DID_NOT_ATTEND,
    DISCOUNTED,
    HELD,
    Session,
)
from services.scheduling.site_calendar import Calendar, local_moment, week_start


class Rebooking(Booking):
    def cancel(
        self,
        *,
        session_id: UUID,
        code: str,
        calendar: Calendar,
        now: datetime,
        new_id: UUID,
        meta: dict,
        pick: tuple[date, str] | None = None,
        busy: Busy | None = None,
    ) -> None:
        """Cancelled by the client (2) or the provider (4): rebooked within the course;
        `busy` tells which times the therapist's or room's diary has taken already."""
        action = "cancel the session"
        self._require_planned(action)
        if code not in CANCELLATION_CODES:
            raise errors.InvalidInput("attendance_code", "2 (by the client) or 4 (by the provider)")
        s = self._booked(self.session(session_id), action)
        self._session_cancelled(
            case_id=self.case_id,
            course_id=self.id,
            session_id=s.session_id,
            session_number=s.number,
            attendance_code=code,
            rebooked_session_id=new_id,
            meta=meta,
        )
        self._rebook(s, new_id, calendar, now, pick, "cancellation", meta, busy)

    def rebook(
        self,
        *,
        session_id: UUID,
        calendar: Calendar,
        now: datetime,
        new_id: UUID,
        meta: dict,
        pick: tuple[date, str] | None = None,
        busy: Busy | None = None,
    ) -> UUID:
        """A did-not-attend the therapist discounts gets a new session (returned); a booked
        session moves to the slot the therapist picks, or, when it clashed with a new
        therapist's diary, to the next free slot."""
        self._require_planned("rebook the session")
        s = self.session(session_id)
        if s.status == BOOKED and pick is None and s.to_rebook:
            self._to_free_slot(s, calendar, now, meta, busy)
            return s.session_id
        if s.status == BOOKED:
            if pick is None:
                raise errors.InvalidInput("rebook_at", "pick the new time of a booked session")
            pattern = pattern_of(*pick, s.zone, s.mode, s.room_id)
            self._check_pick(s, pick, calendar, now)
            self._move(s, pick[0], pattern, "rebooked", None, meta)
            return s.session_id
        if s.code != DID_NOT_ATTEND or s.status != HELD:
            raise errors.SessionNotBooked("rebook the session", f"session {s.number} is {s.status}")
        self._dna_discounted(
            case_id=self.case_id,
            course_id=self.id,
            session_id=s.session_id,
            session_number=s.number,
            rebooked_session_id=new_id,
            meta=meta,
        )
        self._rebook(s, new_id, calendar, now, pick, "rebooked", meta, busy)
        return new_id

    @event("DidNotAttendDiscounted")
    def _dna_discounted(
        self,
        case_id: UUID,
        course_id: UUID,
        session_id: UUID,
        session_number: int,
        rebooked_session_id: UUID,
        meta: dict,
    ) -> None:
        self.sessions[session_id].status = DISCOUNTED

    def _rebook(
        self,
        s: Session,
        new_id: UUID,
        calendar: Calendar,
        now: datetime,
        pick: tuple[date, str] | None,
        reason: str,
        meta: dict,
        busy: Busy | None = None,
    ) -> None:
        """A new session of the same number: at the picked slot, at the next free day of the
        week before the next session, or else in the next week, the later sessions moving on
        a week each."""
        if pick is not None:
            self._check_pick(s, pick, calendar, now)
            pattern = pattern_of(*pick, s.zone, s.mode, s.room_id)
            self._book(s.number, pick[0], pattern, new_id, meta, s.session_id, reason)
            return
        day = self._free_day_this_week(s, calendar, now, busy)
        if day is not None:
            pattern = pattern_of(day, s.at, s.zone, s.mode, s.room_id)
            self._book(s.number, day, pattern, new_id, meta, s.session_id, reason)
            return
        later = [x for x in self.booked_sessions() if x.number > s.number]
        entries: list[Entry] = [(s.number, new_id, s.session_id), *later]
        not_before = max(now, s.ends_at)
        next_week = s.day + timedelta(days=7)
        self._lay_out_again(entries, calendar, next_week, not_before, reason, meta, busy)

    def _to_free_slot(
        self, s: Session, calendar: Calendar, now: datetime, meta: dict, busy: Busy | None
    ) -> None:
        """A session listed for rebooking (it clashed with the new therapist's diary): the
        next free day of its week before the next session, or else the next weeks, the
        later sessions moving on with it."""
        day = self._free_day_this_week(s, calendar, now, busy)
        if day is not None:
            pattern = pattern_of(day, s.at, s.zone, s.mode, s.room_id)
            self._move(s, day, pattern, "rebooked", "the new therapist's diary was taken", meta)
            return
        entries = [s, *(x for x in self.booked_sessions() if x.number > s.number)]
        next_week = s.day + timedelta(days=7)
        not_before = max([now, *(x.ends_at for x in self.live_sessions() if x.number < s.number)])
        self._lay_out_again(entries, calendar, next_week, not_before, "rebooked", meta, busy)

    def _free_day_this_week(
        self, s: Session, calendar: Calendar, now: datetime, busy: Busy | None
    ) -> date | None:
        following = [x.starts_at for x in self.live_sessions() if x.number > s.number]
        end_of_week = week_start(s.day) + timedelta(days=6)
        day = s.day + timedelta(days=1)
        while day <= end_of_week:
            start = local_moment(day, s.at, s.zone)
            clear = not following or start + timedelta(minutes=s.minutes) <= min(following)
            unbroken = not any(b.covers(day) for b in self.break_periods())
            free = busy is None or not busy(start, start + timedelta(minutes=s.minutes))
            if start > now and clear and unbroken and free and calendar.refusal(day, s.at) is None:
                return day
            day += timedelta(days=1)
        return None

    def _check_pick(
        self, s: Session, pick: tuple[date, str], calendar: Calendar, now: datetime
    ) -> None:
        day, at = pick
        refusal = calendar.refusal(day, at)
        if refusal:
            raise errors.InvalidInput("rebook_at", refusal)
        start = local_moment(day, at, calendar.zone)
        if start <= now:
            raise errors.InvalidInput("rebook_at", "must be in the future")
        candidate = Session(
            s.session_id,
            s.number,
            s.phase,
            day,
            at,
            calendar.zone,
            s.therapist_id,
            s.mode,
            s.room_id,
        )
        for other in self.live_sessions():
            if other.session_id == s.session_id:
                continue
            if candidate.overlaps(other) or (other.number < s.number) != (other.starts_at < start):
                raise errors.InvalidInput(
                    "rebook_at",
                    f"must fall after session {s.number - 1} and before "
                    f"session {s.number + 1}, without overlapping session {other.number}",
                )

    def _booked(self, s: Session, action: str) -> Session:
        if s.status == HELD:
            why = f"session {s.number} was recorded as {s.code}"
            raise errors.AttendanceAlreadyRecorded(action, why)
        if s.status != BOOKED:
            raise errors.SessionNotBooked(action, f"session {s.number} is {s.status}")
        return s
