"""The intake case: a client's journey into and out of therapy, as events.

Pure domain: the standard library, eventsourcing.domain and the pure intake modules only.
Public command methods check the rules (stages.py) and compute derived values (digests,
revision numbers, days waited); the `@event` methods only record, so replaying old events
never meets a rule that changed since. Every command takes `meta`: the actor, correlation
and causation ids, and the case and site (built by the application).

Case is split by responsibility over its base classes: the assessment (assessment.py), the
waiting clock (waiting.py), consents (consent.py), the IPAF and goodbye letter (clinical.py),
corrections of the client's details (client_record.py), the completed course (treatment.py).
"""

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.assessment import Assessment
from services.intake.client_record import ClientRecord
from services.intake.clinical import ClinicalRecord
from services.intake.codes import ENDING_CODES, ending_refusal, keyed_reason_v1_v2, site_date
from services.intake.consent import Consents
from services.intake.stages import (
    ACTIVE,
    DISCHARGED,
    EPISODE_OF,
    OPEN,
    REFERRED,
    WAITING,
    not_before,
    require,
)
from services.intake.treatment import CourseOfTreatment
from services.intake.waiting import WaitingClock, days_waited


class Case(Assessment, WaitingClock, Consents, ClinicalRecord, ClientRecord, CourseOfTreatment):
    if TYPE_CHECKING:  # the event class that @event("ReferralReceived") makes at runtime
        ReferralReceived: ClassVar[type[Aggregate.Created]]

    @event("ReferralReceived")
    def __init__(
        self,
        *,
        id: UUID,
        referral_source: str,
        referral_date: date,
        site_id: str,
        client: dict[str, Any],
        meta: dict[str, Any],
    ):
        self.referral_source = referral_source
        self.referral_date = referral_date
        self.site_id = site_id
        self.client = client  # personal details: stored encrypted, never published
        self.status = REFERRED
        self.assessment: dict[str, Any] | None = None
        self.outcome: dict[str, Any] | None = None
        self.therapist_id: str | None = None
        self.allocations: list[dict[str, Any]] = []
        self.first_treatment_on: date | None = None
        self.course_completed: dict[str, Any] | None = None
        self.ending: dict[str, Any] | None = None
        self.pauses = []
        self.consents = {}
        self.ipaf = []
        self.letters = []
        self.episode_history: list[dict[str, Any]] = []
        self.corrections: list[dict[str, Any]] = []
        self._note_episode(referral_date)

    @property
    def episode_status(self) -> str:
        """FHIR EpisodeOfCare status: planned, waitlist, active, onhold, finished, cancelled."""
        if self.status == DISCHARGED:
            return "finished" if self.first_treatment_on else "cancelled"
        return "onhold" if self.open_pause else EPISODE_OF[self.status]

    @property
    def last_recorded_on(self) -> date:
        """The latest date the case records: nothing that ends it may come before."""
        dates = [self.referral_date, *(a["on"] for a in self.allocations)]
        dates += [d for p in self.pauses for d in (p.start, p.end) if d is not None]
        dates += [r["agreed_on"] for r in self.ipaf] + [r["letter_date"] for r in self.letters]
        dates += [site_date(c.signed_at) for c in self.consents.values()]
        if self.outcome:
            dates.append(self.outcome["assessed_on"])
        if self.course_completed:
            dates.append(self.course_completed["completed_on"])
        return max(d for d in (*dates, self.first_treatment_on) if d is not None)

    @property
    def state(self) -> str:
        """The stage in words, for the messages of refused commands."""
        if self.open_pause:
            return f"{self.status} (paused since {self.open_pause.start.isoformat()})"
        return self.status

    def allocate(self, *, therapist_id: str, allocated_on: date, meta: dict) -> None:
        """A waiting client gets a therapist: the case becomes active."""
        require(self.status, self.state, "allocate a therapist", (WAITING,))
        assert self.outcome is not None
        assessed_on = self.outcome["assessed_on"]
        not_before("allocated_on", allocated_on, assessed_on, "allocation_after_assessment",
                   "the assessment outcome")  # fmt: skip
        self._therapist_allocated(therapist_id=therapist_id, allocated_on=allocated_on, meta=meta)

    @event("TherapistAllocated")
    def _therapist_allocated(self, therapist_id: str, allocated_on: date, meta: dict) -> None:
        self.therapist_id = therapist_id
        self.allocations.append({"therapist_id": therapist_id, "on": allocated_on})
        self.status = ACTIVE
        self._note_episode(allocated_on)

    def reallocate(
        self,
        *,
        therapist_id: str,
        reallocated_on: date,
        reason: str,
        reason_digest: dict[str, Any],
        meta: dict,
    ) -> None:
        action = "reallocate the case"
        require(self.status, self.state, action, (ACTIVE,))
        if therapist_id == self.therapist_id:
            raise errors.SameTherapist(action, f"allocated to {therapist_id} already")
        not_before("reallocated_on", reallocated_on, self.allocations[-1]["on"],
                   "reallocation_after_allocation", "the current allocation")  # fmt: skip
        assert self.therapist_id is not None  # an active case has a therapist
        self._therapist_reallocated(
            therapist_id=therapist_id,
            previous_therapist_id=self.therapist_id,
            reallocated_on=reallocated_on,
            reason=reason,
            reason_digest=reason_digest,
            meta=meta,
        )

    @event("TherapistReallocated")
    def _therapist_reallocated(
        self,
        therapist_id: str,
        previous_therapist_id: str,
        reallocated_on: date,
        reason: str,
        reason_digest: dict[str, Any],
        meta: dict,
    ) -> None:
        self.therapist_id = therapist_id
        self.allocations.append({"therapist_id": therapist_id, "on": reallocated_on})

    def record_first_treatment_attended(
        self, *, attended_on: date, appointment_id: UUID | None, appointment_type: str, meta: dict
    ) -> None:
        """Stops the waiting clock. Called by staff now, and later by a policy on the
        scheduling service's attendance events; an open pause ends that day."""
        action = "record the first attended treatment session"
        require(self.status, self.state, action, (ACTIVE,))
        if self.first_treatment_on is not None:
            on = self.first_treatment_on.isoformat()
            raise errors.TreatmentAlreadyStarted(action, self.state, why=f"it was on {on}")
        not_before("attended_on", attended_on, self.allocations[0]["on"],
                   "treatment_after_allocation", "the allocation")  # fmt: skip
        self._end_open_pause(attended_on, "attended_on", meta)
        self._first_treatment_attended(
            attended_on=attended_on,
            appointment_id=appointment_id,
            appointment_type=appointment_type,
            waited_days=days_waited(self.referral_date, attended_on, self.paused_days, None),
            meta=meta,
        )

    @event("FirstTreatmentAttended")
    def _first_treatment_attended(
        self,
        attended_on: date,
        appointment_id: UUID | None,
        appointment_type: str,
        waited_days: int,
        meta: dict,
    ) -> None:
        self.first_treatment_on = attended_on

    def discharge(self, *, ending_code: str, discharged_on: date, meta: dict) -> None:
        """End the case with an ending code; nothing more may happen to it."""
        action = "discharge the case"
        require(self.status, self.state, action, OPEN)
        if ending_code not in ENDING_CODES:
            raise errors.InvalidInput("ending_code", "not an NHS Talking Therapies ending code")
        why = ending_refusal(ending_code, self.first_treatment_on is not None, self.outcome)
        if why:
            raise errors.EndingCodeNotApplicable(action, self.state, why=why)
        not_before("discharged_on", discharged_on, self.last_recorded_on,
                   "discharge_after_last_record", "the case's latest recorded date")  # fmt: skip
        self._end(ending_code, discharged_on, "discharged_on", meta)

    def _end(self, ending_code: str, on: date, field: str, meta: dict) -> None:
        self._end_open_pause(on, field, meta)
        self._discharged(ending_code=ending_code, discharged_on=on, meta=meta)

    @event("CaseDischarged")
    def _discharged(self, ending_code: str, discharged_on: date, meta: dict) -> None:
        self.ending = {"code": ending_code, "on": discharged_on}
        self.status = DISCHARGED
        self._note_episode(discharged_on)

    def _note_episode(self, since: date) -> None:
        status = self.episode_status
        if not self.episode_history or self.episode_history[-1]["status"] != status:
            self.episode_history.append({"status": status, "since": since})


# Events whose reason's digest became keyed (HMAC-SHA-256, services/intake/digests.py): version
# 2, and older events upcast to the same shape, naming their bare SHA-256 as such. These are
# the classes the events are triggered and stored as: an event of a base class (WaitingClock,
# Consents) keeps its own class, not the copy the Case subclass gets.
for _owner, _name in (
    (WaitingClock, "PauseStarted"),
    (Case, "TherapistReallocated"),
    (Consents, "ConsentWithdrawn"),
):
    _changed = getattr(_owner, _name)  # classes the @event decorator made
    _changed.class_version = 2
    _changed.upcast_v1_v2 = staticmethod(keyed_reason_v1_v2)
