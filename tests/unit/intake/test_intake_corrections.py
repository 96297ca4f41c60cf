"""Correcting a client's details is an event of its own: the referral is not rewritten, the
history keeps both values, Kafka learns only which fields changed; allowed in every stage."""

from datetime import date

import pytest

from services.intake import SERVICE
from services.intake.errors import InvalidInput
from shared.envelope import Envelope
from tests.unit.intake.factories import case_at, meta, referred

TODAY = date(2026, 3, 1)


def test_a_correction_keeps_the_old_value_in_the_history_and_the_referral_untouched():
    case = referred()
    [referral] = case.collect_events()
    fields = case.correct_client_details(
        corrected={"name": "Test Clientson", "phone": "07700 900111"}, corrected_on=TODAY,
        meta=meta("staff-9"),
    )  # fmt: skip
    [event] = case.collect_events()

    assert fields == ["name", "phone"]
    assert case.client["name"] == "Test Clientson" and referral.client["name"] == "Test Client"
    [correction] = case.corrections
    assert (correction["on"], correction["by"]) == (TODAY, "staff-9")
    assert correction["previous"] == {"name": "Test Client", "phone": None}
    assert correction["corrected"] == {"name": "Test Clientson", "phone": "07700 900111"}
    public = Envelope.of(SERVICE, event).model_dump(mode="json")["data"]
    assert public == {"fields": ["name", "phone"], "corrected_on": "2026-03-01"}


def test_a_correction_that_changes_nothing_is_refused_naming_the_field():
    case = referred()
    with pytest.raises(InvalidInput) as refused:
        case.correct_client_details(
            corrected={"name": "Test Client"}, corrected_on=TODAY, meta=meta()
        )
    assert refused.value.field == "corrected"


def test_a_discharged_clients_details_can_still_be_corrected():
    case = case_at("discharged")
    assert case.correct_client_details(corrected={"email": "a@example.org"}, corrected_on=TODAY,
                                       meta=meta()) == ["email"]  # fmt: skip
