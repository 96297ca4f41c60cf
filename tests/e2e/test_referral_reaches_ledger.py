from datetime import date
from uuid import UUID

from shared.envelope import event_id_of
from tests.support.stack import wait_for_ledger


def referral(**overrides):
    body = {
        "referral_source": "gp",
        "referral_date": date.today().isoformat(),
        "site_id": "north",
        "client": {"name": "Ada Example", "phone": "07700 900123", "email": "ada@example.org"},
    }
    return {**body, **overrides}


async def test_referral_event_reaches_the_audit_ledger_once_with_the_same_event_id(intake, audit):
    response = await intake.post("/referrals", json=referral())
    assert response.status_code == 201
    case_id = response.json()["case_id"]
    event_id = str(event_id_of("intake", UUID(case_id), 1))

    counts = await wait_for_ledger(audit, {event_id})

    assert counts[event_id] == 1
    case = (await intake.get(f"/cases/{case_id}")).json()
    assert case["status"] == "referred" and case["client"]["name"] == "Ada Example"


async def test_intake_metrics_show_the_relay_caught_up_once_the_event_is_in_the_ledger(
    intake, audit
):
    response = await intake.post("/referrals", json=referral())
    event_id = str(event_id_of("intake", UUID(response.json()["case_id"]), 1))
    await wait_for_ledger(audit, {event_id})

    metrics = (await intake.get("/metrics")).text

    assert 'rapport_relay_lag_events{topic="intake.events"} 0' in metrics
    assert "# TYPE rapport_relay_position gauge" in metrics
