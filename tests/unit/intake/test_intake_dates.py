"""Dates a careful clerk would refuse: implausibly old, out of order within the case (each
refusal names its rule), and "today" is the sites' date (Europe/London), not the server's."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from uuid import uuid4

import httpx
import pytest

from services.intake import clock
from services.intake.errors import InvalidInput
from tests.unit.intake.factories import ASSESSED_ON, case_at, meta, referred, signed
from tests.unit.intake.fakes import InMemoryIntake
from tests.unit.intake.test_api import client_over, fields, referral


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    async with await client_over(InMemoryIntake()) as client:
        yield client


def refusal(command) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        command()
    return refused.value


async def test_a_referral_dated_1970_is_refused_naming_the_rule(api):
    response = await api.post("/referrals", json=referral(referral_date="1970-01-01"))
    assert fields(response) == ["body.referral_date"]
    assert "plausible_record_date" in response.json()["detail"][0]["message"]


async def test_a_birth_date_in_1880_is_refused_naming_the_rule(api):
    client = {"name": "Ada Example", "date_of_birth": "1880-05-01"}
    response = await api.post("/referrals", json=referral(client=client))
    assert fields(response) == ["body.client.date_of_birth"]
    assert "plausible_birth_date" in response.json()["detail"][0]["message"]


def test_an_assessment_before_the_referral_is_refused_naming_the_rule():
    case = referred()
    error = refusal(
        lambda: case.book_assessment(
            appointment_id=uuid4(),
            scheduled_for=datetime(1996, 3, 1, 10, tzinfo=UTC),
            assessor_id="assessor-1",
            meta=meta(),
        )
    )
    assert error.field == "scheduled_for" and "assessment_after_referral" in error.message


def test_a_consent_signed_before_the_allocation_is_refused_naming_the_rule():
    case = case_at("active")
    long_ago = signed(signed_at=datetime(2001, 6, 1, 10, tzinfo=UTC))
    error = refusal(lambda: case.record_consent(consent_id=uuid4(), signed=long_ago, meta=meta()))
    assert error.field == "signed_at" and "consent_after_allocation" in error.message


def test_a_discharge_before_the_assessment_outcome_is_refused_naming_the_rule():
    case = case_at("waiting")
    before = date.fromordinal(ASSESSED_ON.toordinal() - 1)
    error = refusal(lambda: case.discharge(ending_code="13", discharged_on=before, meta=meta()))
    assert error.field == "discharged_on" and "discharge_after_last_record" in error.message


def test_a_goodbye_letter_before_the_first_session_is_refused_naming_the_rule():
    case = case_at("treated")
    error = refusal(
        lambda: case.write_goodbye_letter(text="x", letter_date=ASSESSED_ON, meta=meta())
    )
    assert error.field == "letter_date" and "letter_after_first_treatment" in error.message


def _at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


async def test_todays_date_in_london_just_after_midnight_in_summer_is_not_future(api, monkeypatch):
    _at(monkeypatch, datetime(2026, 7, 1, 23, 30, tzinfo=UTC))  # 00:30 on 2 July in London
    response = await api.post("/referrals", json=referral(referral_date="2026-07-02"))
    assert response.status_code == 201, response.text


async def test_tomorrow_in_london_is_future(api, monkeypatch):
    _at(monkeypatch, datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    response = await api.post("/referrals", json=referral(referral_date="2026-07-03"))
    assert fields(response) == ["body.referral_date"]
    assert "not_future" in response.json()["detail"][0]["message"]
