"""Ids with control characters (NUL among them) or past their length are refused at the
intake API with a 422 naming the field, before anything is saved (issue 7, fault 1)."""

import uuid
from datetime import date, timedelta

import httpx
import pytest

from tests.e2e.intake_people import CLIENTS, days_ago
from tests.support.gateway_identity import as_staff


def fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [problem["field"] for problem in response.json()["detail"]]


async def waiting_case(intake: httpx.AsyncClient) -> str:
    body = {"referral_source": "self", "referral_date": days_ago(10), "site_id": "north"}
    case_id = (await intake.post("/referrals", json={**body, "client": CLIENTS["osric"]})).json()[
        "case_id"
    ]
    at = (date.today() - timedelta(days=8)).isoformat() + "T10:00:00Z"
    booking = {"scheduled_for": at, "assessor_id": "a-1"}
    assert (await intake.post(f"/cases/{case_id}/assessment", json=booking)).status_code == 200
    outcome = {"suitable": True, "reason": "fits", "assessed_on": days_ago(8)}
    response = await intake.post(f"/cases/{case_id}/assessment/outcome", json=outcome)
    assert response.status_code == 200, response.text
    return case_id


@pytest.mark.parametrize("therapist_id", ["t-\x00-1", "t-\n1", "t\x7f"])
async def test_an_allocation_to_a_therapist_id_with_a_control_character_is_refused(
    intake: httpx.AsyncClient, therapist_id: str
):
    case_id = await waiting_case(intake)
    body = {"therapist_id": therapist_id, "allocated_on": days_ago(1)}

    response = await intake.post(f"/cases/{case_id}/allocation", json=body)

    assert fields(response) == ["body.therapist_id"]
    assert (await intake.get(f"/cases/{case_id}")).json()["therapist_id"] is None


async def test_a_caseload_of_a_therapist_id_with_a_nul_is_refused(intake: httpx.AsyncClient):
    assert fields(await intake.get("/therapists/t%00-1/caseload")) == ["path.therapist_id"]


async def test_a_site_id_with_a_nul_is_refused(intake: httpx.AsyncClient):
    body = {"referral_source": "self", "referral_date": days_ago(1), "site_id": "north\x00"}
    response = await intake.post("/referrals", json={**body, "client": CLIENTS["osric"]})
    assert fields(response) == ["body.site_id"]


async def test_an_actor_id_past_its_length_is_refused(intake: httpx.AsyncClient):
    response = await intake.get(f"/cases/{uuid.uuid4()}", auth=as_staff("s" * 300, "therapist"))
    assert response.status_code == 401 and "staff id" in response.json()["detail"]


async def test_a_correlation_id_past_its_length_is_refused(intake: httpx.AsyncClient):
    response = await intake.get("/health/live", headers={"X-Correlation-ID": "c" * 300})
    assert fields(response) == ["header.x-correlation-id"]


async def test_a_correlation_id_of_its_own_comes_back(intake: httpx.AsyncClient):
    correlation_id = f"client-{uuid.uuid4()}"
    response = await intake.get("/health/live", headers={"X-Correlation-ID": correlation_id})
    assert response.headers["X-Correlation-ID"] == correlation_id
