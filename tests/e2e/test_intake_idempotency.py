"""Retries do not duplicate: a creating command sent again with the same Idempotency-Key
gets the same answer and nothing is saved twice, even when both arrive at once; the same
key with another request is refused; without a key, two requests are two commands."""

import asyncio
import uuid

from tests.e2e.intake_people import days_ago


def referral(site: str) -> dict:
    body = {"referral_source": "gp", "referral_date": days_ago(2), "site_id": site}
    return {**body, "client": {"name": "Bethan Owen"}}


async def cases_at(intake, site: str) -> int:
    response = await intake.get(f"/sites/{site}/waiting-list")
    assert response.status_code == 200, response.text
    return len(response.json())


async def test_a_retried_referral_gets_the_same_answer_and_makes_one_case(intake):
    site, key = f"site-{uuid.uuid4().hex[:10]}", str(uuid.uuid4())
    first = await intake.post("/referrals", json=referral(site), headers={"Idempotency-Key": key})
    again = await intake.post("/referrals", json=referral(site), headers={"Idempotency-Key": key})

    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert await cases_at(intake, site) == 1


async def test_the_same_key_sent_twice_at_once_makes_one_case_and_one_answer(intake):
    site, key = f"site-{uuid.uuid4().hex[:10]}", str(uuid.uuid4())
    headers = {"Idempotency-Key": key}
    answers = await asyncio.gather(
        *(intake.post("/referrals", json=referral(site), headers=headers) for _ in range(4))
    )
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.json()["case_id"] for a in answers}) == 1
    assert await cases_at(intake, site) == 1


async def test_the_same_key_with_another_request_is_refused_naming_the_header(intake):
    site, key = f"site-{uuid.uuid4().hex[:10]}", str(uuid.uuid4())
    headers = {"Idempotency-Key": key}
    assert (
        await intake.post("/referrals", json=referral(site), headers=headers)
    ).status_code == 201
    other = await intake.post("/referrals", json=referral(f"{site}-b"), headers=headers)
    assert other.status_code == 422, other.text
    assert other.json()["detail"][0]["field"] == "header.idempotency-key"


async def test_a_retried_data_request_is_recorded_once(intake):
    site = f"site-{uuid.uuid4().hex[:10]}"
    case_id = (await intake.post("/referrals", json=referral(site))).json()["case_id"]
    headers, body = (
        {"Idempotency-Key": str(uuid.uuid4())},
        {"kind": "access", "received_on": days_ago(0)},
    )
    answers = [
        await intake.post(f"/cases/{case_id}/data-requests", json=body, headers=headers)
        for _ in range(2)
    ]
    assert answers[0].json() == answers[1].json()
    timeline = (await intake.get(f"/cases/{case_id}/timeline")).json()
    assert [e["type"] for e in timeline].count("intake.DataSubjectRequestReceived") == 1


async def test_without_a_key_two_referrals_are_two_cases(intake):
    site = f"site-{uuid.uuid4().hex[:10]}"
    for _ in range(2):
        assert (await intake.post("/referrals", json=referral(site))).status_code == 201
    assert await cases_at(intake, site) == 2
