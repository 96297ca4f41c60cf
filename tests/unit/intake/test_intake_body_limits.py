"""The body limit and the field limits agree: the largest documents the API documents (a
full IPAF, a full goodbye letter) fit, however their characters are escaped; one character
more in a field is a 422 naming it, not a 413."""

import json
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from tests.unit.intake.fakes import InMemoryIntake
from tests.unit.intake.test_api import client_over, new_case


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    async with await client_over(InMemoryIntake()) as client:
        yield client


TODAY = date.today().isoformat()
FULL = "\U0001f600" * 20_000  # 20,000 characters, 12 bytes each as escaped JSON
PARTS = ("self_representation", "other_representation", "affect", "defensive_function")


async def post_escaped(api: httpx.AsyncClient, path: str, body: dict) -> httpx.Response:
    content = json.dumps(body, ensure_ascii=True).encode()
    return await api.post(path, content=content, headers={"content-type": "application/json"})


async def active_case(api: httpx.AsyncClient) -> str:
    case_id = await new_case(api)
    steps = [
        ("assessment", {"scheduled_for": f"{TODAY}T09:00:00Z", "assessor_id": "a-1"}),
        ("assessment/outcome", {"suitable": True, "reason": "fits", "assessed_on": TODAY}),
        ("allocation", {"therapist_id": "t-1", "allocated_on": TODAY}),
    ]
    for path, body in steps:
        response = await api.post(f"/cases/{case_id}/{path}", json=body)
        assert response.status_code == 200, response.text
    return case_id


async def test_a_full_ipaf_of_escaped_characters_fits_the_body_limit(api):
    case_id = await active_case(api)
    ipaf = {part: FULL for part in PARTS} | {"agreed_on": TODAY}
    response = await post_escaped(api, f"/cases/{case_id}/ipaf", ipaf)
    assert response.status_code == 201, response.text[:300]


async def test_a_full_goodbye_letter_fits_the_body_limit(api):
    case_id = await active_case(api)
    first = {"attended_on": TODAY}
    assert (await api.post(f"/cases/{case_id}/first-treatment", json=first)).status_code == 200
    letter = {"text": FULL, "letter_date": TODAY}
    response = await post_escaped(api, f"/cases/{case_id}/goodbye-letter", letter)
    assert response.status_code == 201, response.text[:300]


async def test_one_character_over_a_field_limit_is_422_naming_it(api):
    case_id = await active_case(api)
    ipaf = {part: FULL for part in PARTS} | {"agreed_on": TODAY, "affect": FULL + "x"}
    response = await post_escaped(api, f"/cases/{case_id}/ipaf", ipaf)
    assert response.status_code == 422, response.text[:300]
    assert [e["field"] for e in response.json()["detail"]] == ["body.affect"]
