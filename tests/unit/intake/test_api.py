"""The HTTP edge, built by the composition root over the in-memory application: refused
commands are 409 naming the state, bad input is 422 naming the field."""

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from services.intake.__main__ import create_app
from services.intake.settings import IntakeSettings
from shared.eventstore import ConcurrencyConflict
from tests.support.gateway_identity import as_staff
from tests.unit.intake.fakes import InMemoryIntake

STAFF = as_staff("staff-1", "intake_worker")
TODAY = date.today()


class ConflictingIntake(InMemoryIntake):
    """Another client saves first whenever this one saves a case."""

    async def _save(self, *aggregates: Any) -> None:
        if any(a.version > 1 for a in aggregates):
            raise ConcurrencyConflict("someone else saved first")
        await super()._save(*aggregates)


async def client_over(intake: InMemoryIntake) -> httpx.AsyncClient:
    settings = IntakeSettings(database_url="postgresql://unused/intake", environment="test")
    app = create_app(settings)
    app.state.intake = intake
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://intake", auth=STAFF)


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    async with await client_over(InMemoryIntake()) as client:
        yield client


def referral(**overrides: Any) -> dict[str, Any]:
    client = {"name": "Ada Example", "nhs_number": "943 476 5919"}
    body = {"referral_source": "gp", "referral_date": TODAY.isoformat(), "site_id": "north"}
    return {**body, "client": client, **overrides}


async def new_case(api: httpx.AsyncClient) -> str:
    response = await api.post("/referrals", json=referral())
    assert response.status_code == 201, response.text
    return response.json()["case_id"]


def fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["field"] for error in response.json()["detail"]]


async def test_a_refused_command_is_409_with_a_message_naming_the_state(api):
    case_id = await new_case(api)
    response = await api.post(
        f"/cases/{case_id}/allocation",
        json={"therapist_id": "t-1", "allocated_on": TODAY.isoformat()},
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Not on waiting list"
    assert "the case is referred" in problem["detail"]


async def test_discharging_twice_is_409_saying_the_case_is_discharged(api):
    case_id = await new_case(api)
    body = {"ending_code": "50", "discharged_on": TODAY.isoformat()}
    assert (await api.post(f"/cases/{case_id}/discharge", json=body)).status_code == 200
    again = await api.post(f"/cases/{case_id}/discharge", json=body)
    assert again.status_code == 409
    assert again.json()["title"] == "Case is discharged"
    assert "the case is discharged" in again.json()["detail"]


async def test_a_concurrent_change_is_409():
    async with await client_over(ConflictingIntake()) as api:
        case_id = await new_case(api)
        body = {"ending_code": "50", "discharged_on": TODAY.isoformat()}
        response = await api.post(f"/cases/{case_id}/discharge", json=body)
    assert response.status_code == 409 and response.json()["title"] == "Concurrent change"


async def test_an_unknown_case_is_404(api):
    body = {"ending_code": "50", "discharged_on": TODAY.isoformat()}
    response = await api.post(f"/cases/{'0' * 8}-0000-0000-0000-{'0' * 12}/discharge", json=body)
    assert response.status_code == 404


async def test_a_future_referral_date_is_422_naming_the_field(api):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = await api.post("/referrals", json=referral(referral_date=tomorrow))
    assert fields(response) == ["body.referral_date"]


async def test_a_malformed_nhs_number_checksum_is_422_naming_the_field(api):
    client = {"name": "Ada Example", "nhs_number": "9434765918"}
    response = await api.post("/referrals", json=referral(client=client))
    assert fields(response) == ["body.client.nhs_number"]


async def test_an_unknown_ending_code_is_422_naming_the_field(api):
    case_id = await new_case(api)
    body = {"ending_code": "99", "discharged_on": TODAY.isoformat()}
    response = await api.post(f"/cases/{case_id}/discharge", json=body)
    assert fields(response) == ["body.ending_code"]


async def test_consent_for_an_unknown_template_version_is_422_naming_the_field(api):
    case_id = await new_case(api)
    consent = {
        "document": "therapy_contract",
        "template_version": 7,
        "witnessed_by": "t-1",
        "method": "electronic",
        "signed_at": f"{TODAY.isoformat()}T00:00:00Z",
    }
    unpublished = await api.post(f"/cases/{case_id}/consents", json=consent)
    template = {"title": "Therapy contract", "text": "We agree..."}
    assert (await api.post("/templates/therapy_contract/versions", json=template)).is_success
    unknown = await api.post(f"/cases/{case_id}/consents", json=consent)
    assert fields(unpublished) == fields(unknown) == ["body.template_version"]


async def test_a_command_without_the_gateway_s_assertion_is_401(api):
    bare = {"X-Actor-Id": "staff-1", "X-Actor-Role": "intake_worker"}
    response = await api.post("/referrals", json=referral(), headers=bare, auth=None)
    assert response.status_code == 401
