"""Bad input to the intake service gets a 4xx that names the field; a command the case's
state does not allow gets a 409 that names the state."""

from datetime import timedelta

from tests.e2e.intake_people import CLIENTS, days_ago
from tests.support.clock import today


def fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [problem["field"] for problem in response.json()["detail"]]


async def referred(intake) -> str:
    body = {"referral_source": "self", "referral_date": days_ago(1), "site_id": "north"}
    response = await intake.post("/referrals", json={**body, "client": CLIENTS["osric"]})
    assert response.status_code == 201, response.text
    return response.json()["case_id"]


async def test_a_future_referral_date_is_refused_naming_the_field(intake):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    body = {"referral_source": "gp", "referral_date": tomorrow, "site_id": "north"}
    response = await intake.post("/referrals", json={**body, "client": CLIENTS["osric"]})
    assert fields(response) == ["body.referral_date"]


async def test_a_malformed_nhs_number_checksum_is_refused_naming_the_field(intake):
    valid = CLIENTS["tobias"]["nhs_number"]  # each look-up is a new valid number
    wrong_check_digit = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    client = {**CLIENTS["tobias"], "nhs_number": wrong_check_digit}
    body = {"referral_source": "gp", "referral_date": days_ago(1), "site_id": "north"}
    response = await intake.post("/referrals", json={**body, "client": client})
    assert fields(response) == ["body.client.nhs_number"]


async def test_an_unknown_ending_code_is_refused_naming_the_field(intake):
    case_id = await referred(intake)
    body = {"ending_code": "45", "discharged_on": days_ago(0)}
    assert fields(await intake.post(f"/cases/{case_id}/discharge", json=body)) == [
        "body.ending_code"
    ]


async def test_consent_for_an_unknown_template_version_is_refused_naming_the_field(intake):
    case_id = await referred(intake)
    consent = {
        "document": "confidentiality_agreement",
        "template_version": 100_000,
        "witnessed_by": "therapist-e2e",
        "method": "electronic",
        "signed_at": f"{days_ago(0)}T00:00:00Z",
    }
    response = await intake.post(f"/cases/{case_id}/consents", json=consent)
    assert fields(response) == ["body.template_version"]


async def test_a_command_the_state_does_not_allow_is_409_naming_the_state(intake):
    case_id = await referred(intake)
    allocation = {"therapist_id": "therapist-e2e", "allocated_on": days_ago(0)}
    response = await intake.post(f"/cases/{case_id}/allocation", json=allocation)
    assert response.status_code == 409
    assert response.json()["detail"] == "Cannot allocate a therapist: the case is referred"
