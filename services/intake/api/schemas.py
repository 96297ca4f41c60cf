"""Request bodies of the intake API, and the value types they share. Validation errors name
the field (422, shared/http.py): a future date, a malformed NHS number, an unknown code."""

from datetime import date, datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from services.intake import clock
from services.intake.codes import is_valid_nhs_number
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
from shared.envelope import ID_PATTERN

CLOCK_SKEW = timedelta(minutes=5)


def _record_date(value: date) -> date:
    """A date of the case's record: not after today at the sites, not before any record."""
    if value > clock.today():
        raise ValueError(f"cannot be in the future (rule: not_future, in {clock.SITE_ZONE})")
    if value < clock.EARLIEST_RECORD:
        earliest = clock.EARLIEST_RECORD.isoformat()
        raise ValueError(f"must be on or after {earliest} (rule: plausible_record_date)")
    return value


def _birth_date(value: date) -> date:
    today = clock.today()
    if value > today:
        raise ValueError(f"cannot be in the future (rule: not_future, in {clock.SITE_ZONE})")
    if today.year - value.year > clock.OLDEST_CLIENT_YEARS:
        years = clock.OLDEST_CLIENT_YEARS
        raise ValueError(f"must be within the last {years} years (rule: plausible_birth_date)")
    return value


def _record_moment(value: datetime) -> datetime:
    if value > clock.now() + CLOCK_SKEW:
        raise ValueError("cannot be in the future (rule: not_future)")
    return _not_before_records(value)


def _not_before_records(value: datetime) -> datetime:
    if value.astimezone(clock.SITE_ZONE).date() < clock.EARLIEST_RECORD:
        earliest = clock.EARLIEST_RECORD.isoformat()
        raise ValueError(f"must be on or after {earliest} (rule: plausible_record_date)")
    return value


def _nhs_number(value: str) -> str:
    if not is_valid_nhs_number(value):
        raise ValueError("not an NHS number: 10 digits, the last a modulus-11 check digit")
    return value.replace(" ", "")


PastDate = Annotated[date, AfterValidator(_record_date)]
BirthDate = Annotated[date, AfterValidator(_birth_date)]
PastMoment = Annotated[AwareDatetime, AfterValidator(_record_moment)]
Moment = Annotated[AwareDatetime, AfterValidator(_not_before_records)]
NhsNumber = Annotated[str, AfterValidator(_nhs_number)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
StaffRef = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
StaffRefInPath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
SiteId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]


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
