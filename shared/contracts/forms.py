"""Contracts of the forms service's events. Scores, bands, caseness, risk levels and rule
codes, and SHA-256 digests: never an answer's text, the client link's token or a risk
management plan, which stay encrypted in the forms store."""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts import EventContract

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex")]
StaffId = Annotated[str, Field(min_length=1, max_length=64)]
QuestionnaireRef = Annotated[str, Field(pattern=r"^[a-z0-9]+\|[0-9]+$", description="key|version")]
Measure = Literal["phq9", "gad7", "wsas", "risk"]
Purpose = Literal["pre_session", "feedback"]
RiskLevel = Literal["none", "medium", "high"]
RiskCode = Literal[
    "phq9_item9", "phq9_item9_frequent", "self_harm_thoughts", "self_harm_plans",
    "self_harm_intent", "access_to_means", "no_protective_factors", "risk_to_others",
    "safeguarding_concern",
]  # fmt: skip
Band = Literal["none", "minimal", "mild", "moderate", "moderately severe", "severe"]
CancelReason = Literal["session_cancelled", "course_ended"]
AcknowledgementAction = Literal[
    "contacted_client", "safety_plan_reviewed", "crisis_team_referral", "emergency_services",
    "gp_informed", "safeguarding_referral", "reviewed_no_further_action",
]  # fmt: skip
ClinicalRiskLevel = Literal["low", "moderate", "high"]


class FormIssued(EventContract):
    type = "forms.FormIssued"
    purpose: Purpose
    questionnaires: list[QuestionnaireRef] = Field(min_length=1)
    optional: list[str]
    course_id: UUID | None
    session_id: UUID | None
    session_number: int | None = Field(ge=1)
    due_at: AwareDatetime
    link_sha256: Sha256Hex
    link_expires_at: AwareDatetime


class FormMoved(EventContract):
    type = "forms.FormMoved"
    due_at: AwareDatetime
    link_expires_at: AwareDatetime


class FormCancelled(EventContract):
    type = "forms.FormCancelled"
    reason: CancelReason


class LinkReissued(EventContract):
    type = "forms.LinkReissued"
    link_sha256: Sha256Hex
    link_expires_at: AwareDatetime


class ResponseSubmitted(EventContract):
    type = "forms.ResponseSubmitted"
    questionnaires: list[QuestionnaireRef]
    answers_sha256: Sha256Hex
    scores: dict[Measure, int]
    bands: dict[Measure, Band]
    caseness: dict[Measure, bool]
    phq9_item9: int | None = Field(ge=0, le=3)
    risk_level: RiskLevel
    risk_codes: list[RiskCode]
    rules_version: int = Field(ge=1)
    flag_id: UUID | None
    submitted_via: Literal["client_link", "staff"]
    submitted_at: AwareDatetime


class RiskFlagRaised(EventContract):
    """A FHIR Flag for clinician review; `escalated`: sent at once to the site's duty
    clinician, `escalated_to` (None when nobody was on duty: the site's list has it)."""

    type = "forms.RiskFlagRaised"
    schema_version = 2  # v1: no escalated_to
    form_id: UUID
    level: RiskLevel
    codes: list[RiskCode] = Field(min_length=1)
    rules_version: int = Field(ge=1)
    escalated: bool
    escalated_to: StaffId | None = None
    raised_at: AwareDatetime


class RiskFlagAcknowledged(EventContract):
    type = "forms.RiskFlagAcknowledged"
    action: AcknowledgementAction
    note_sha256: Sha256Hex
    acknowledged_at: AwareDatetime


class DutyRotaStarted(EventContract):
    """A site's duty rota (the site is the envelope's)."""

    type = "forms.DutyRotaStarted"


class DutyClinicianAssigned(EventContract):
    """The clinician on duty at the site from `since`: high risk flags escalate to them."""

    type = "forms.DutyClinicianAssigned"
    staff_id: StaffId
    previous_staff_id: StaffId | None
    since: AwareDatetime


class RiskAssessmentStarted(EventContract):
    type = "forms.RiskAssessmentStarted"


class RiskAssessmentRecorded(EventContract):
    """The therapist's clinical risk assessment (FHIR RiskAssessment); the plan's digest."""

    type = "forms.RiskAssessmentRecorded"
    revision: int = Field(ge=1)
    level: ClinicalRiskLevel
    plan_sha256: Sha256Hex
    session_id: UUID | None
    assessed_on: date


class OutcomeMeasures(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    first_phq9: int = Field(ge=0, le=27)
    last_phq9: int = Field(ge=0, le=27)
    first_gad7: int = Field(ge=0, le=21)
    last_gad7: int = Field(ge=0, le=21)
    scored_sessions: int = Field(ge=1)
    finished: bool
    at_caseness_at_start: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    recovered: bool
    reliable_recovery: bool


class OutcomeRecorded(EventContract):
    type = "forms.OutcomeRecorded"
    course_id: UUID | None
    ended_on: date
    sessions_attended: int = Field(ge=0)
    measures: OutcomeMeasures
