"""Attendance, cancellations and did-not-attends of a course's sessions, the course at risk
and its completion. A base class of Course (domain.py); pure.

Attendance is recorded once, once the session has started, with the NHS codes 5, 6, 7 and 3
(2 and 4, cancellations, rebook the session). A did-not-attend uses up its session unless
the therapist discounts it (the session is then rebooked); two in a row put the course at
risk until the therapist decides. Attending session 2 or later needs the consents.
"""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from services.scheduling import errors
from services.scheduling.booking import Booking, Entry
from services.scheduling.layout import pattern_of
from services.scheduling.sessions import (
    ATTENDANCE_CODES,
    ATTENDED_CODES,
    BOOKED,
    CANCELLATION_CODES,
    DID_NOT_ATTEND,
    DISCOUNTED,
    HELD,
    Session,
)
from services.scheduling.site_calendar import Calendar, local_moment, week_start
from services.scheduling.states import COMPLETED

RISK_DECISIONS = ("continue", "replan", "recommend_discharge")


class Attendance(Booking):
    if TYPE_CHECKING:  # attributes that Course sets
        status: str
        missing_consents: list[str]
        treatment_withdrawn: bool
        at_risk: list[int] | None
        decisions: list[dict[str, Any]]
        ended: dict[str, Any] | None

    def record_attendance(self, *, session_id: UUID, code: str, now: datetime, meta: dict) -> None:
        action = "record attendance"
        self._require_planned(action)
        if code not in ATTENDANCE_CODES or code in CANCELLATION_CODES:
            raise errors.InvalidInput("attendance_code", "one of 5, 6, 7, 3 (2 and 4 cancel)")
        s = self._booked(self.session(session_id), action)
        if now < s.starts_at:
            raise errors.SessionNotStarted(action, f"session {s.number} starts at {s.local_start}")
        if code in ATTENDED_CODES:
            self._require_consents(s, action)
        first = code in ATTENDED_CODES and not any(x.attended for x in self.sessions.values())
        self._attendance_recorded(
            case_id=self.case_id,
            course_id=self.id,
            session_id=s.session_id,
            session_number=s.number,
            phase=s.phase,
            starts_at=s.when()["starts_at"],
            attendance_code=code,
            attended=code in ATTENDED_CODES,
            first_attended=first,
            appointment_type="02",
            meta=meta,
        )
        self._after_attendance(s, now.date(), meta)

    @event("AttendanceRecorded")
    def _attendance_recorded(
        self,
        case_id: UUID,
        course_id: UUID,
        session_id: UUID,
        session_number: int,
        phase: str,
        starts_at: datetime,
        attendance_code: str,
        attended: bool,
        first_attended: bool,
        appointment_type: str,
        meta: dict,
    ) -> None:
        self.sessions[session_id].status = HELD
        self.sessions[session_id].code = attendance_code

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
    ) -> None:
        """Cancelled by the client (2) or the provider (4): rebooked within the course."""
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
        self._rebook(s, new_id, calendar, now, pick, "cancellation", meta)

    def rebook(
        self,
        *,
        session_id: UUID,
        calendar: Calendar,
        now: datetime,
        new_id: UUID,
        meta: dict,
        pick: tuple[date, str] | None = None,
    ) -> UUID:
        """A did-not-attend the therapist discounts gets a new session (returned); a booked
        session moves to the slot the therapist picks."""
        self._require_planned("rebook the session")
        s = self.session(session_id)
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
        self._rebook(s, new_id, calendar, now, pick, "rebooked", meta)
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

    def decide(self, *, decision: str, meta: dict) -> None:
        """The therapist's answer to a course at risk."""
        self._require_planned("record a decision")
        if decision not in RISK_DECISIONS:
            raise errors.InvalidInput("decision", f"one of {', '.join(RISK_DECISIONS)}")
        if not self.at_risk:
            raise errors.CourseNotAtRisk("record a decision", "the course is not at risk")
        self._risk_decision_recorded(
            case_id=self.case_id, course_id=self.id, decision=decision, meta=meta
        )

    @event("RiskDecisionRecorded")
    def _risk_decision_recorded(
        self, case_id: UUID, course_id: UUID, decision: str, meta: dict
    ) -> None:
        self.decisions.append({"decision": decision, "session_numbers": self.at_risk})
        self.at_risk = None

    def _after_attendance(self, s: Session, today: date, meta: dict) -> None:
        held = [x for x in self.live_sessions() if x.status == HELD]
        if s.code == DID_NOT_ATTEND and len(held) >= 2 and held[-2].code == DID_NOT_ATTEND:
            numbers = [held[-2].number, held[-1].number]
            self._course_at_risk(
                case_id=self.case_id,
                course_id=self.id,
                therapist_id=self.therapist_id,
                session_numbers=numbers,
                meta=meta,
            )
        last = max(self.live_sessions(), key=lambda x: x.number)
        if not self.booked_sessions() and last.attended:
            attended = sum(1 for x in self.sessions.values() if x.attended)
            self._course_completed(
                case_id=self.case_id,
                course_id=self.id,
                therapist_id=self.therapist_id,
                sessions_attended=attended,
                completed_on=today,
                meta=meta,
            )

    @event("CourseAtRisk")
    def _course_at_risk(
        self,
        case_id: UUID,
        course_id: UUID,
        therapist_id: str,
        session_numbers: list[int],
        meta: dict,
    ) -> None:
        self.at_risk = session_numbers

    @event("CourseCompleted")
    def _course_completed(
        self,
        case_id: UUID,
        course_id: UUID,
        therapist_id: str,
        sessions_attended: int,
        completed_on: date,
        meta: dict,
    ) -> None:
        self.status = COMPLETED
        self.ended = {"completed_on": completed_on, "sessions_attended": sessions_attended}

    def _rebook(
        self,
        s: Session,
        new_id: UUID,
        calendar: Calendar,
        now: datetime,
        pick: tuple[date, str] | None,
        reason: str,
        meta: dict,
    ) -> None:
        """A new session of the same number: at the picked slot, at the next free day of the
        week before the next session, or else in the next week, the later sessions moving on
        a week each."""
        if pick is not None:
            self._check_pick(s, pick, calendar, now)
            pattern = pattern_of(*pick, s.zone, s.mode, s.room_id)
            self._book(s.number, pick[0], pattern, new_id, meta, s.session_id, reason)
            return
        day = self._free_day_this_week(s, calendar, now)
        if day is not None:
            pattern = pattern_of(day, s.at, s.zone, s.mode, s.room_id)
            self._book(s.number, day, pattern, new_id, meta, s.session_id, reason)
            return
        later = [x for x in self.booked_sessions() if x.number > s.number]
        entries: list[Entry] = [(s.number, new_id, s.session_id), *later]
        not_before = max(now, s.ends_at)
        self._lay_out_again(entries, calendar, s.day + timedelta(days=7), not_before, reason, meta)

    def _free_day_this_week(self, s: Session, calendar: Calendar, now: datetime) -> date | None:
        following = [x.starts_at for x in self.live_sessions() if x.number > s.number]
        end_of_week = week_start(s.day) + timedelta(days=6)
        day = s.day + timedelta(days=1)
        while day <= end_of_week:
            start = local_moment(day, s.at, s.zone)
            clear = not following or start + timedelta(minutes=s.minutes) <= min(following)
            unbroken = not any(b.covers(day) for b in self.break_periods())
            if start > now and clear and unbroken and calendar.refusal(day, s.at) is None:
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

    def _require_consents(self, s: Session, action: str) -> None:
        if self.treatment_withdrawn:
            raise errors.ConsentMissing(
                action, "consent to treatment was withdrawn: " + ", ".join(self.missing_consents)
            )
        if s.number >= 2 and self.missing_consents:
            missing = " and ".join(self.missing_consents)
            raise errors.ConsentMissing(action, f"session {s.number} needs {missing} signed")
