"""Request bodies of the intake API, and the value types they share. Validation errors name
the field (422, shared/http.py): a future date, a malformed NHS number, an unknown code."""

from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.intake.api.values import (
    BirthDate,
    Moment,
    NhsNumber,
    PastDate,
    PastMoment,
    SiteId,
    StaffRef,
    Text,
)
from shared.contracts.intake import (
    AssessmentEndingCode,
    ConsentMethod,
    DataRequestKind,
    Decision,
    DocumentKind,
    EndingCode,
    EnquiryClosure,
    KeyedDigest,
    ReferralSource,
    Signatory,
    TreatmentAppointmentType,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClientIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    address: str | None = Field(default=None, max_length=500)
    date_of_birth: BirthDate | None = None
    nhs_number: NhsNumber | None = None


class CorrectionIn(Strict):
    """The details to correct; a detail left out stays as it is."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    address: str | None = Field(default=None, max_length=500)
    date_of_birth: BirthDate | None = None
    nhs_number: NhsNumber | None = None


class ReferralIn(Strict):
    referral_source: ReferralSource
    referral_date: PastDate
    site_id: SiteId
    client: ClientIn
    # Staff confirm a new episode for an NHS number whose case is still open (else 409).
    new_episode: bool = False


class EnquiryIn(Strict):
    site_id: SiteId
    received_on: PastDate
    contact: ClientIn
    notes: str = Field(default="", max_length=20_000)


class EnquiryReferralIn(Strict):
    referral_source: ReferralSource
    referral_date: PastDate
    client: ClientIn | None = None  # adds to, and corrects, the enquiry's contact details


class EnquiryClosureIn(Strict):
    closure: EnquiryClosure
    closed_on: PastDate


class AssessmentBookingIn(Strict):
    scheduled_for: Moment
    assessor_id: StaffRef
    appointment_id: UUID | None = None


class AssessmentOutcomeIn(Strict):
    suitable: bool
    ending_code: AssessmentEndingCode | None = None
    reason: Text
    assessed_on: PastDate


class PauseIn(Strict):
    paused_from: PastDate
    reason: Text


class ResumeIn(Strict):
    resumed_on: PastDate


class AllocationIn(Strict):
    therapist_id: StaffRef
    allocated_on: PastDate


class ReallocationIn(Strict):
    therapist_id: StaffRef
    reallocated_on: PastDate
    reason: Text


class FirstTreatmentIn(Strict):
    attended_on: PastDate
    appointment_type: TreatmentAppointmentType = "02"
    appointment_id: UUID | None = None


class DischargeIn(Strict):
    ending_code: EndingCode
    discharged_on: PastDate


class ConsentIn(Strict):
    document: DocumentKind
    template_version: int = Field(ge=1)
    signed_by: Signatory = "client"
    signatory_name: str | None = Field(default=None, max_length=200)
    witnessed_by: StaffRef
    method: ConsentMethod
    signed_at: PastMoment


class WithdrawalIn(Strict):
    withdrawn_on: PastDate
    reason: Text


class IpafIn(Strict):
    self_representation: Text
    other_representation: Text
    affect: Text
    defensive_function: Text
    agreed_on: PastDate


class GoodbyeLetterIn(Strict):
    text: Text
    letter_date: PastDate


class TemplateIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    text: Text


class DataRequestIn(Strict):
    kind: DataRequestKind
    received_on: PastDate


class DigestProofIn(Strict):
    text: Text
    digest: KeyedDigest


class DecisionIn(Strict):
    decision: Decision
    reason: Text
    decided_on: PastDate
