"""Request bodies of the forms API. Answers are codes (or text for a free-text item);
validation.py checks them item by item against the form's questionnaire versions."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.forms.validation import Answered
from shared.contracts.forms import AcknowledgementAction, ClinicalRiskLevel

Text = Annotated[str, Field(min_length=1, max_length=20_000)]
SiteId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]
# A staff id as the gateway's assertions carry it (printable ASCII, no spaces).
StaffRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
StaffRefInPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
LinkId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]


def _not_future(value: date) -> date:
    if value > date.today():
        raise ValueError("cannot be in the future")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnsweredIn(Strict):
    questionnaire: str = Field(pattern=r"^[a-z0-9]+$", max_length=20)
    version: int = Field(ge=1, le=10_000)
    answers: dict[LinkId, Annotated[str, Field(max_length=2000)]] = Field(max_length=60)

    def plain(self) -> Answered:
        return Answered(self.questionnaire, self.version, dict(self.answers))


class ResponseIn(Strict):
    responses: list[AnsweredIn] = Field(min_length=1, max_length=10)

    def plain(self) -> list[Answered]:
        return [r.plain() for r in self.responses]


class LinkResponseIn(ResponseIn):
    form_id: UUID


class AcknowledgementIn(Strict):
    action: AcknowledgementAction
    note: Text


class RiskAssessmentIn(Strict):
    site_id: SiteId
    level: ClinicalRiskLevel
    plan: Text
    session_id: UUID | None = None
    assessed_on: Annotated[date, AfterValidator(_not_future)]


class DutyIn(Strict):
    staff_id: StaffRef
