"""HTTP routes of the intake service: parse, call the application, map errors."""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from services.intake.application import ClientDetails, IntakeApplication
from services.intake.domain import Case
from shared.actor import RequestMeta
from shared.eventstore import AggregateNotFound
from shared.http import problem

router = APIRouter()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClientIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    address: str | None = Field(default=None, max_length=500)
    date_of_birth: date | None = None


class ReferralIn(Strict):
    referral_source: Literal["self", "gp", "other_professional", "other"]
    referral_date: date
    site_id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")
    client: ClientIn

    @field_validator("referral_date")
    @classmethod
    def not_in_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("referral_date cannot be in the future")
        return value


class CaseCreated(BaseModel):
    case_id: UUID
    version: int


class CaseOut(BaseModel):
    case_id: UUID
    version: int
    status: str
    site_id: str
    referral_source: str
    referral_date: date
    client: dict[str, str]


def application(request: Request) -> IntakeApplication:
    return request.app.state.intake


Intake = Annotated[IntakeApplication, Depends(application)]


@router.post("/referrals", status_code=201, response_model=CaseCreated)
async def receive_referral(body: ReferralIn, intake: Intake, meta: RequestMeta, response: Response):
    case = await intake.receive_referral(
        referral_source=body.referral_source,
        referral_date=body.referral_date,
        site_id=body.site_id,
        client=ClientDetails(**body.client.model_dump()),
        meta=meta,
    )
    response.headers["Location"] = f"/cases/{case.id}"
    return CaseCreated(case_id=case.id, version=case.version)


@router.get("/cases/{case_id}", response_model=CaseOut)
async def get_case(case_id: UUID, intake: Intake, _: RequestMeta):
    case: Case = await intake.case(case_id)
    return CaseOut(
        case_id=case.id,
        version=case.version,
        status=case.status,
        site_id=case.site_id,
        referral_source=case.referral_source,
        referral_date=case.referral_date,
        client={k: str(v) for k, v in case.client.items()},
    )


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AggregateNotFound)
    async def not_found(_: Request, error: AggregateNotFound):
        return problem(404, "Case not found", str(error))
