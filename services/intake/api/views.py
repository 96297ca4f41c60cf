"""Responses of the intake API. A case's view holds its personal details and clinical texts
for the staff who may see them (the gateway decides who may); events on Kafka never do."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from services.intake.domain import Case
from services.intake.waiting import breaches


class CaseChanged(BaseModel):
    case_id: UUID
    version: int
    status: str
    episode_status: str

    @classmethod
    def of(cls, case: Case, **extra: Any) -> "CaseChanged":
        return cls(
            case_id=case.id,
            version=case.version,
            status=case.status,
            episode_status=case.episode_status,
            **extra,
        )


class CorrectedOut(CaseChanged):
    fields: list[str]


class ConsentRecordedOut(CaseChanged):
    consent_id: UUID


class ConsentWithdrawnOut(CaseChanged):
    stops: list[str]


class RevisionOut(CaseChanged):
    revision: int


class CaseOut(BaseModel):
    case_id: UUID
    version: int
    status: str
    episode_status: str
    episode_history: list[dict[str, Any]]
    site_id: str
    referral_source: str
    referral_date: date
    client: dict[str, str]
    assessment: dict[str, Any] | None
    outcome: dict[str, Any] | None
    therapist_id: str | None
    allocations: list[dict[str, Any]]
    waiting: dict[str, Any]
    first_treatment_on: date | None
    # Scheduling's course completed (course_id, completed_on, sessions_attended): ready
    # for the ending and the discharge.
    course_completed: dict[str, Any] | None
    consents: list[dict[str, Any]]
    missing_consents: list[str]
    treatment_may_continue: bool
    ipaf: list[dict[str, Any]]
    goodbye_letters: list[dict[str, Any]]
    ending: dict[str, Any] | None
    corrections: list[dict[str, Any]]  # every correction of the client's details, both values

    @classmethod
    def of(cls, case: Case, today: date) -> "CaseOut":
        waited = case.days_waited(today)
        waiting: dict[str, Any] = {
            "days_waited": waited,
            "paused_days": case.paused_days,
            **breaches(waited),
        }
        waiting["pauses"] = [vars(p) for p in case.pauses]
        return cls(
            case_id=case.id,
            version=case.version,
            status=case.status,
            episode_status=case.episode_status,
            episode_history=case.episode_history,
            site_id=case.site_id,
            referral_source=case.referral_source,
            referral_date=case.referral_date,
            client={k: str(v) for k, v in case.client.items()},
            assessment=case.assessment,
            outcome=case.outcome,
            therapist_id=case.therapist_id,
            allocations=case.allocations,
            waiting=waiting,
            first_treatment_on=case.first_treatment_on,
            course_completed=case.course_completed,
            consents=[vars(c) for c in case.consents.values()],
            missing_consents=case.missing_consents,
            treatment_may_continue=not case.missing_consents,
            ipaf=case.ipaf,
            goodbye_letters=case.letters,
            ending=case.ending,
            corrections=case.corrections,
        )


class TimelineEntry(BaseModel):
    originator_id: UUID  # the case's, its enquiry's or a data request's
    version: int
    type: str
    occurred_at: datetime
    actor: dict[str, str]
    data: dict[str, Any]


class WaitingEntry(BaseModel):
    case_id: UUID
    status: str
    episode_status: str
    referral_date: date
    therapist_id: str | None
    paused_since: date | None
    waited_days: int
    waited_weeks: int
    past_6_weeks: bool
    past_18_weeks: bool


class WaitingStandards(BaseModel):
    site_id: str
    measured_on: date
    waiting: int
    within_6_weeks: int
    within_18_weeks: int


class CaseloadEntry(BaseModel):
    case_id: UUID
    site_id: str
    episode_status: str
    referral_date: date
    allocated_on: date | None
    first_treatment_on: date | None
    course_completed_on: date | None  # the course is over: the case waits for its ending


class EnquiryOut(BaseModel):
    enquiry_id: UUID
    case_id: UUID
    site_id: str
    status: str
    received_on: date
    contact: dict[str, str]
    notes: str
    closure: str | None


class TemplateVersionOut(BaseModel):
    kind: str
    version: int
    title: str
    text: str
    text_sha256: str


class SearchHit(BaseModel):
    id: UUID  # the case's or the enquiry's
    kind: str  # case | enquiry
    case_id: UUID
    site_id: str
    status: str
    received_on: date  # the referral's or the enquiry's date
    name: str | None
    date_of_birth: date | None


class DigestProofOut(BaseModel):
    matches: bool


class DataRequestOut(BaseModel):
    request_id: UUID
    case_id: UUID
    kind: str
    received_on: date
    decision: dict[str, Any] | None
