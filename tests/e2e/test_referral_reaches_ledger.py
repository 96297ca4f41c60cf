"""A referral's event travels intake -> Kafka -> audit ledger once: once on the topic, once
in the ledger, never dead-lettered, reconciled, and the whole ledger still consistent."""

from shared.kafka import topic_of
from tests.conftest import KAFKA
from tests.support.clock import today
from tests.support.ledger import LedgerMark
from tests.support.once import assert_once_everywhere
from tests.support.wire import TopicMark


def referral(**overrides):
    body = {
        "referral_source": "gp",
        "referral_date": today().isoformat(),
        "site_id": "north",
        "client": {"name": "Ada Example", "phone": "07700 900123", "email": "ada@example.org"},
    }
    return {**body, **overrides}


async def test_referral_event_is_once_on_the_topic_once_in_the_ledger_and_nowhere_else(
    intake, stack, tmp_path
):
    wire = await TopicMark.now(KAFKA, topic_of("intake"))
    ledger = await LedgerMark.now(stack.url("audit"))

    response = await intake.post("/referrals", json=referral())
    assert response.status_code == 201
    case_id = response.json()["case_id"]

    seen = await assert_once_everywhere(wire, ledger, {case_id}, tmp_path)
    [entry] = seen["entries"]
    assert entry["type"] == "intake.ReferralReceived" and entry["topic"] == "intake.events"
    case = (await intake.get(f"/cases/{case_id}")).json()
    assert case["status"] == "referred" and case["client"]["name"] == "Ada Example"


async def test_intake_metrics_show_the_relay_caught_up_once_the_event_is_in_the_ledger(
    intake, stack
):
    ledger = await LedgerMark.now(stack.url("audit"))
    response = await intake.post("/referrals", json=referral())
    await ledger.entries_of({response.json()["case_id"]})

    metrics = (await intake.get("/metrics")).text

    assert 'rapport_relay_lag_events{topic="intake.events"} 0' in metrics
    assert "# TYPE rapport_relay_position gauge" in metrics
