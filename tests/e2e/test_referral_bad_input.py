"""Bad input to POST /referrals gets a clear 4xx, and nothing is stored."""

import os
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from tests.support.clock import today

VALID = {
    "referral_source": "gp",
    "referral_date": "2026-01-05",
    "site_id": "north",
    "client": {"name": "Bea Example"},
}


@pytest.fixture
async def cases_at() -> AsyncIterator:
    """How many cases intake's read model holds at a site (written in the save's
    transaction): a site of the test's own, so no one else's referrals count."""
    conn = await asyncpg.connect(os.environ["INTAKE_DATABASE_URL"])

    async def count(site: str) -> int:
        return await conn.fetchval(
            "SELECT count(*) FROM intake_case_index WHERE site_id = $1", site
        )

    yield count
    await conn.close()


def at_a_new_site(body: dict) -> tuple[dict, str]:
    site = f"bad-input-{uuid.uuid4().hex[:10]}"
    return {**body, "site_id": site}, site


def without(field: str) -> dict:
    return {k: v for k, v in VALID.items() if k != field}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (without("referral_source"), "body.referral_source", "Field required"),
        (without("client"), "body.client", "Field required"),
        ({**VALID, "referral_date": "last tuesday"}, "body.referral_date", "date"),
        ({**VALID, "referral_source": "newspaper"}, "body.referral_source", "'gp'"),
        ({**VALID, "client": "Bea"}, "body.client", "dictionary"),
        ({**VALID, "colour": "blue"}, "body.colour", "Extra inputs are not permitted"),
        ({**VALID, "client": {"name": "B", "email": "not-an-email"}}, "body.client.email", "email"),
        (
            {**VALID, "referral_date": (today() + timedelta(days=1)).isoformat()},
            "body.referral_date",
            "cannot be in the future",
        ),
    ],
)
async def test_invalid_referral_is_refused_with_the_field_named(
    intake, cases_at, body, field, words
):
    body, site = at_a_new_site(body)

    response = await intake.post("/referrals", json=body)

    assert response.status_code == 422
    problems = response.json()["detail"]
    assert any(p["field"] == field and words in p["message"] for p in problems), problems
    assert await cases_at(site) == 0


async def test_a_two_megabyte_body_is_refused_before_it_is_read(intake, cases_at):
    # Intake's limit is 1 MiB: a full IPAF fits (tests/unit/intake/test_intake_body_limits.py).
    body, site = at_a_new_site({**VALID, "client": {"name": "x" * 2_000_000}})

    response = await intake.post("/referrals", json=body)

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert await cases_at(site) == 0


async def test_a_body_that_is_not_json_is_refused(intake):
    response = await intake.post(
        "/referrals", content=b"referral please", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


async def test_a_request_without_the_gateway_s_assertion_is_refused(intake):
    bare = {"X-Actor-Id": "staff-e2e", "X-Actor-Role": "intake_worker"}
    response = await intake.post("/referrals", json=VALID, headers=bare, auth=None)
    assert response.status_code == 401
    assert "X-Rapport-Assertion" in response.json()["detail"]
