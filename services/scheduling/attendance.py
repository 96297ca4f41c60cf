"""Attendance of a course's sessions, the course at risk, and its completion. A base class
of Course (domain.py); pure.

Attendance is recorded once, once the session has started, with the NHS codes 5, 6, 7 and 3
(2 and 4 are cancellations: rebooking.py). A did-not-attend uses up its session unless the
therapist discounts it (rebooking.py); two in a row put the course at risk until the
therapist decides. Attending session 2 or later needs the consents.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from services.scheduling import errors
from services.scheduling.rebooking import Rebooking
from services.scheduling.sessions import (
    ATTENDANCE_CODES,
    ATTENDED_CODES,
    CANCELLATION_CODES,
    DID_NOT_ATTEND,
    HELD,
    USED_CODES,
    Session,
)
from services.scheduling.states import COMPLETED

RISK_DECISIONS = ("continue", "replan", "recommend_discharge")


class Attendance(Rebooking):
    if TYPE_CHECKING:  # attributes that Course sets
        status: str
        missing_consents: list[str]
        treatment_withdrawn: bool
        at_risk: list[int] | None
        decisions: list[dict[str, Any]]
        ended: dict[str, Any] | None

    def tally(self) -> dict[str, int]:
        """What a therapist counts: sessions attended, did-not-attends (used unless
        discounted), cancellations by whom, and the sessions still to come."""
        codes = [s.code for s in self.sessions.values() if s.code]  # discounted DNAs too
        used = [s.code for s in self.sessions.values() if s.status == HELD]
        return {
            "attended": sum(code in ATTENDED_CODES for code in codes),
            "late_not_seen": codes.count("7"),
            "did_not_attend": codes.count(DID_NOT_ATTEND),
            "cancelled_by_client": codes.count("2"),
            "cancelled_by_provider": codes.count("4"),
            "sessions_used": sum(code in USED_CODES for code in used),
            "sessions_to_come": len(self.booked_sessions()),
        }

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

    def _require_consents(self, s: Session, action: str) -> None:
        if self.treatment_withdrawn:
            raise errors.ConsentMissing(
                action, "consent to treatment was withdrawn: " + ", ".join(self.missing_consents)
            )
        if s.number >= 2 and self.missing_consents:
            missing = " and ".join(self.missing_consents)
            raise errors.ConsentMissing(action, f"session {s.number} needs {missing} signed")
