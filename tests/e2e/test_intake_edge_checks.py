"""Checks a careful clerk would expect at intake's edge: an NHS number that is one digit
repeated, invisible or reordering characters in ids, JSON sent as text/plain, and a chunked
body over the limit (413, as a declared one)."""

import json
import uuid

from tests.e2e.intake_people import CLIENTS, days_ago

BIDI_OVERRIDE, ZERO_WIDTH = "\u202e", "\u200b"


def fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [problem["field"] for problem in response.json()["detail"]]


def referral(**client) -> dict:
    body = {"referral_source": "gp", "referral_date": days_ago(1), "site_id": "north"}
    return {**body, "client": {**CLIENTS["osric"], **client}}


async def test_an_nhs_number_of_zeros_is_refused_naming_the_field(intake):
    response = await intake.post("/referrals", json=referral(nhs_number="0000000000"))
    assert fields(response) == ["body.client.nhs_number"]


async def test_a_therapist_id_with_a_bidi_override_or_zero_width_char_is_refused(intake):
    for sneaky in (f"therapist{BIDI_OVERRIDE}1", f"thera{ZERO_WIDTH}pist-1"):
        body = {"therapist_id": sneaky, "allocated_on": days_ago(0)}
        response = await intake.post(f"/cases/{uuid.uuid4()}/allocation", json=body)
        assert fields(response) == ["body.therapist_id"]


async def test_a_correlation_id_of_5000_characters_is_refused(intake):
    response = await intake.post(
        "/referrals", json=referral(), headers={"X-Correlation-ID": "c" * 5000}
    )
    assert fields(response) == ["header.x-correlation-id"]


async def test_json_sent_as_text_plain_gets_a_message_naming_the_content_type(intake):
    response = await intake.post(
        "/referrals", content=json.dumps(referral()), headers={"content-type": "text/plain"}
    )
    assert fields(response) == ["header.content-type"]
    assert "text/plain" in response.json()["detail"][0]["message"]


async def test_an_oversized_chunked_body_is_413(intake):
    async def chunks():
        yield b'{"referral_source": "gp", "notes": "'
        for _ in range(40):
            yield b"x" * 65_536  # 2.5 MiB in all, with no Content-Length
        yield b'"}'

    response = await intake.post(
        "/referrals", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert "larger than" in response.json()["detail"]
