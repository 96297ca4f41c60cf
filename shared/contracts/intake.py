"""Contracts of the intake service's events: one per domain event class (the relay refuses an
event without one). Ids, codes, dates and SHA-256 digests only: names, contact details, the
NHS number and every free text (reasons, notes, the IPAF, letters) stay in the intake store.

The vocabularies below are the public side of services/intake/codes.py; a unit test keeps
them equal. Each field's name is the name of the domain event's attribute it is read from.
"""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.contracts import EventContract

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex")]
StaffId = Annotated[str, Field(min_length=1, max_length=64)]

ReferralSource = Literal["self", "gp", "other_professional", "other"]
AssessmentEndingCode = Literal["50", "10", "11", "12", "13", "14", "16"]
TreatedEndingCode = Literal["46", "47", "48", "49", "96"]
EndingCode = Literal[AssessmentEndingCode, TreatedEndingCode]
TreatmentAppointmentType = Literal["02", "03", "05"]
DocumentKind = Literal["therapy_contract", "confidentiality_agreement", "recording_consent"]
ConsentMethod = Literal["paper_scanned", "electronic"]
Signatory = Literal["client", "representative"]
WithdrawalEffect = Literal["treatment_sessions", "audio_recording", "supervision_use_of_recordings"]
EnquiryClosure = Literal["no_referral_wanted", "no_contact", "signposted_elsewhere", "other"]
DataRequestKind = Literal["access", "erasure"]
Decision = Literal["granted", "refused"]
LegalBasis = Literal["uk_gdpr_art_17_3"]


class KeyedDigest(BaseModel):
    """A short free text's digest: HMAC-SHA-256 under a key only intake holds (per case), so
    nobody can find the text by trying likely ones; `key_id` names the key, never is it. Events
    recorded before keyed digests carry their bare SHA-256 as `alg` "sha256", without a key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alg: Literal["hmac-sha256", "sha256"]
    key_id: str | None = Field(max_length=64, pattern=r"^[a-z0-9-]+$")
    hex: Sha256Hex

    @model_validator(mode="after")
    def keyed_names_its_key(self) -> "KeyedDigest":
        if (self.alg == "hmac-sha256") != (self.key_id is not None):
            raise ValueError("an HMAC names its key_id; a bare SHA-256 has none")
        return self


class ReferralReceived(EventContract):
    type = "intake.ReferralReceived"
    referral_source: ReferralSource
    referral_date: date


class AssessmentBooked(EventContract):
    type = "intake.AssessmentBooked"
    appointment_id: UUID
    appointment_type: Literal["01"]
    scheduled_for: AwareDatetime
    assessor_id: StaffId


class AssessmentOutcomeRecorded(EventContract):
    type = "intake.AssessmentOutcomeRecorded"
    suitable: bool
    ending_code: AssessmentEndingCode | None
    assessed_on: date
    reason_sha256: Sha256Hex


class PauseStarted(EventContract):
    type = "intake.PauseStarted"
    schema_version = 2  # v1: reason_sha256, a bare SHA-256
    paused_from: date
    reason_digest: KeyedDigest


class PauseEnded(EventContract):
    type = "intake.PauseEnded"
    resumed_on: date


class TherapistAllocated(EventContract):
    type = "intake.TherapistAllocated"
    therapist_id: StaffId
    allocated_on: date


class TherapistReallocated(EventContract):
    type = "intake.TherapistReallocated"
    schema_version = 2  # v1: reason_sha256, a bare SHA-256
    therapist_id: StaffId
    previous_therapist_id: StaffId
    reallocated_on: date
    reason_digest: KeyedDigest


class FirstTreatmentAttended(EventContract):
    """Stops the waiting-time clock; `waited_days` is the wait less pauses."""

    type = "intake.FirstTreatmentAttended"
    attended_on: date
    appointment_id: UUID | None
    appointment_type: TreatmentAppointmentType
    waited_days: int = Field(ge=0)


class TreatmentCourseCompleted(EventContract):
    """Scheduling completed the case's course (its last session attended): the case is
    ready for its ending and discharge."""

    type = "intake.TreatmentCourseCompleted"
    course_id: UUID
    completed_on: date
    sessions_attended: int = Field(ge=0)


class CaseDischarged(EventContract):
    type = "intake.CaseDischarged"
    ending_code: EndingCode
    discharged_on: date


class ConsentRecorded(EventContract):
    type = "intake.ConsentRecorded"
    consent_id: UUID
    document: DocumentKind
    template_version: int = Field(ge=1)
    template_sha256: Sha256Hex
    signed_by: Signatory
    witnessed_by: StaffId
    method: ConsentMethod
    signed_at: AwareDatetime


class ConsentWithdrawn(EventContract):
    type = "intake.ConsentWithdrawn"
    schema_version = 2  # v1: reason_sha256, a bare SHA-256
    consent_id: UUID
    document: DocumentKind
    withdrawn_on: date
    stops: list[WithdrawalEffect] = Field(min_length=1)
    reason_digest: KeyedDigest


class IpafRecorded(EventContract):
    """`ipaf_sha256`: SHA-256 of the canonical JSON of the four parts."""

    type = "intake.IpafRecorded"
    revision: int = Field(ge=1)
    agreed_on: date
    ipaf_sha256: Sha256Hex


class GoodbyeLetterWritten(EventContract):
    type = "intake.GoodbyeLetterWritten"
    revision: int = Field(ge=1)
    letter_date: date
    letter_sha256: Sha256Hex


class EnquiryReceived(EventContract):
    type = "intake.EnquiryReceived"
    received_on: date


class EnquiryConverted(EventContract):
    type = "intake.EnquiryConverted"
    converted_on: date


class EnquiryClosed(EventContract):
    type = "intake.EnquiryClosed"
    closure: EnquiryClosure
    closed_on: date


class TemplateCreated(EventContract):
    type = "intake.TemplateCreated"
    kind: DocumentKind


class TemplateVersionPublished(EventContract):
    type = "intake.TemplateVersionPublished"
    kind: DocumentKind
    version: int = Field(ge=1)
    text_sha256: Sha256Hex


class DataSubjectRequestReceived(EventContract):
    type = "intake.DataSubjectRequestReceived"
    kind: DataRequestKind
    received_on: date


ClientField = Literal["name", "phone", "email", "address", "date_of_birth", "nhs_number"]


class ClientDetailsCorrected(EventContract):
    """Which of the client's details were corrected, and when; the values (before and after)
    stay in the intake store."""

    type = "intake.ClientDetailsCorrected"
    fields: list[ClientField] = Field(min_length=1)
    corrected_on: date


class SubjectAccessExported(EventContract):
    """The person's record was produced for a granted access request; `export_sha256` is the
    SHA-256 of the export's canonical JSON (what was handed over, provably)."""

    type = "intake.SubjectAccessExported"
    export_sha256: Sha256Hex
    exported_on: date


class DataSubjectRequestDecided(EventContract):
    type = "intake.DataSubjectRequestDecided"
    decision: Decision
    legal_basis: LegalBasis | None
    decided_on: date
    reason_sha256: Sha256Hex
