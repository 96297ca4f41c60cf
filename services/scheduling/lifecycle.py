"""What intake's events mean for a course: consents (the gate on treatment), a new
therapist, the discharge. A base class of Course (domain.py); pure.

The therapy contract and the confidentiality agreement, signed and not withdrawn, let
treatment go on after the first session; a withdrawal of either stops attendance until it
is signed again. Each command here is idempotent: intake's events may arrive twice.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from services.scheduling.booking import Booking
from services.scheduling.layout import pattern_of
from services.scheduling.states import CLOSED, COMPLETED

REQUIRED_CONSENTS = ("therapy_contract", "confidentiality_agreement")


class Lifecycle(Booking):
    if TYPE_CHECKING:  # attributes that Course sets
        consents: dict[UUID, dict[str, Any]]
        missing_consents: list[str]
        treatment_withdrawn: bool

    def note_consent(self, *, consent_id: UUID, document: str, withdrawn: bool, meta: dict) -> bool:
        """Intake recorded or withdrew a consent; False when it changes nothing here."""
        if document not in REQUIRED_CONSENTS or self.status == CLOSED:
            return False
        known = self.consents.get(consent_id)
        if known is not None and (known["withdrawn"] or not withdrawn):
            return False  # seen before: intake's event came twice
        consents = {**self.consents, consent_id: {"document": document, "withdrawn": withdrawn}}
        given = {c["document"] for c in consents.values() if not c["withdrawn"]}
        missing = [d for d in REQUIRED_CONSENTS if d not in given]
        ever_withdrawn = {c["document"] for c in consents.values() if c["withdrawn"]}
        self._consent_gate_changed(
            case_id=self.case_id,
            course_id=self.id,
            consent_id=consent_id,
            document=document,
            withdrawn=withdrawn,
            missing_consents=missing,
            treatment_withdrawn=bool(ever_withdrawn & set(missing)),
            meta=meta,
        )
        return True

    @event("ConsentGateChanged")
    def _consent_gate_changed(
        self,
        case_id: UUID,
        course_id: UUID,
        consent_id: UUID,
        document: str,
        withdrawn: bool,
        missing_consents: list[str],
        treatment_withdrawn: bool,
        meta: dict,
    ) -> None:
        self.consents[consent_id] = {"document": document, "withdrawn": withdrawn}
        self.missing_consents = missing_consents
        self.treatment_withdrawn = treatment_withdrawn

    def reallocate(
        self,
        *,
        therapist_id: str,
        reallocated_on: date,
        clashing: set[UUID],
        now: datetime,
        meta: dict,
    ) -> list[UUID]:
        """The sessions still to come go to the new therapist; those clashing with the new
        therapist's diary are listed for rebooking (returned)."""
        if self.status == CLOSED or therapist_id == self.therapist_id:
            return []
        remaining = [s for s in self.booked_sessions() if s.starts_at >= now]
        to_rebook = [s.session_id for s in remaining if s.session_id in clashing]
        self._course_reallocated(
            case_id=self.case_id,
            course_id=self.id,
            therapist_id=therapist_id,
            previous_therapist_id=self.therapist_id,
            reallocated_on=reallocated_on,
            to_rebook=to_rebook,
            meta=meta,
        )
        for s in remaining:
            if s.session_id not in clashing:
                place = pattern_of(s.day, s.at, s.zone, s.mode, s.room_id)
                self._move(s, s.day, place, "reallocation", None, meta, therapist_id=therapist_id)
        return to_rebook

    @event("CourseReallocated")
    def _course_reallocated(
        self,
        case_id: UUID,
        course_id: UUID,
        therapist_id: str,
        previous_therapist_id: str,
        reallocated_on: date,
        to_rebook: list[UUID],
        meta: dict,
    ) -> None:
        self.therapist_id = therapist_id
        for session_id in to_rebook:
            self.sessions[session_id].therapist_id = therapist_id
            self.sessions[session_id].to_rebook = True

    def close(self, *, closed_on: date, now: datetime, meta: dict) -> int:
        """Intake discharged the case: every session to come is cancelled by the provider
        (code 4) and the course closes. Returns how many sessions were cancelled. A course
        already completed stays completed: the discharge that follows it ends nothing."""
        if self.status in (CLOSED, COMPLETED):
            return 0
        future = [s for s in self.booked_sessions() if s.starts_at >= now]
        for s in future:
            self._session_cancelled(
                case_id=self.case_id,
                course_id=self.id,
                session_id=s.session_id,
                session_number=s.number,
                attendance_code="4",
                rebooked_session_id=None,
                meta=meta,
            )
        self._course_closed(
            case_id=self.case_id,
            course_id=self.id,
            closed_because="discharged",
            closed_on=closed_on,
            cancelled_sessions=len(future),
            meta=meta,
        )
        return len(future)

    @event("CourseClosed")
    def _course_closed(
        self,
        case_id: UUID,
        course_id: UUID,
        closed_because: str,
        closed_on: date,
        cancelled_sessions: int,
        meta: dict,
    ) -> None:
        self.status = CLOSED
        self.ended = {"closed_on": closed_on, "closed_because": closed_because}
