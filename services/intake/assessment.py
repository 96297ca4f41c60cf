"""The assessment of a referred client: the appointment (type 01) and its outcome, suitable
for DIT (the client joins the waiting list) or not, with an ending code (the case ends).
Pure domain; a base class of Case (domain.py). The reason stays in the intake store; the
contract carries its digest.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.codes import (
    ASSESSMENT_APPOINTMENT,
    NOT_TAKEN_ON_ENDINGS,
    sha256_hex,
    site_date,
)
from services.intake.stages import ASSESSMENT_BOOKED, REFERRED, WAITING, not_before, require


class Assessment(Aggregate):
    if TYPE_CHECKING:  # what Case has
        status: str

        @property
        def state(self) -> str: ...  # a property of Case

        referral_date: date
        assessment: dict[str, Any] | None
        outcome: dict[str, Any] | None

        def _end(self, ending_code: str, on: date, field: str, meta: dict) -> None: ...
        def _note_episode(self, since: date) -> None: ...

    def book_assessment(
        self, *, appointment_id: UUID, scheduled_for: datetime, assessor_id: str, meta: dict
    ) -> None:
        """Book (or re-book) the assessment appointment, type 01."""
        require(self.status, self.state, "book an assessment", (REFERRED, ASSESSMENT_BOOKED))
        not_before("scheduled_for", site_date(scheduled_for), self.referral_date,
                   "assessment_after_referral", "the referral date")  # fmt: skip
        self._assessment_booked(
            appointment_id=appointment_id,
            appointment_type=ASSESSMENT_APPOINTMENT,
            scheduled_for=scheduled_for,
            assessor_id=assessor_id,
            meta=meta,
        )

    @event("AssessmentBooked")
    def _assessment_booked(
        self,
        appointment_id: UUID,
        appointment_type: str,
        scheduled_for: datetime,
        assessor_id: str,
        meta: dict,
    ) -> None:
        self.assessment = {"appointment_id": appointment_id, "scheduled_for": scheduled_for}
        self.assessment["assessor_id"] = assessor_id
        self.status = ASSESSMENT_BOOKED

    def record_assessment_outcome(
        self, *, suitable: bool, ending_code: str | None, reason: str, assessed_on: date, meta: dict
    ) -> None:
        """Suitable: the client joins the waiting list. Not: the case ends with the code."""
        require(self.status, self.state, "record an assessment outcome", (ASSESSMENT_BOOKED,))
        if suitable == (ending_code is not None):
            raise errors.InvalidInput("ending_code", "give one if and only if not suitable")
        if ending_code is not None and ending_code not in NOT_TAKEN_ON_ENDINGS:
            raise errors.InvalidInput("ending_code", "not an ending code of an assessment")
        not_before("assessed_on", assessed_on, self.referral_date, "outcome_after_referral",
                   "the referral date")  # fmt: skip
        self._assessment_outcome_recorded(
            suitable=suitable,
            ending_code=ending_code,
            reason=reason,
            reason_sha256=sha256_hex(reason),
            assessed_on=assessed_on,
            meta=meta,
        )
        if ending_code is not None:
            self._end(ending_code, assessed_on, "assessed_on", meta)

    @event("AssessmentOutcomeRecorded")
    def _assessment_outcome_recorded(
        self,
        suitable: bool,
        ending_code: str | None,
        reason: str,
        reason_sha256: str,
        assessed_on: date,
        meta: dict,
    ) -> None:
        self.outcome = {"suitable": suitable, "ending_code": ending_code, "reason": reason}
        self.outcome["assessed_on"] = assessed_on
        if suitable:
            self.status = WAITING
            self._note_episode(assessed_on)
