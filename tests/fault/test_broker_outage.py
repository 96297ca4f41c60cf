"""Kafka stops mid-flight: commands still succeed, and the events arrive once it is back."""

import subprocess
import uuid
from datetime import date
from pathlib import Path

from shared.envelope import event_id_of
from tests.support.stack import wait_for_ledger

KAFKA_SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "kafka.sh"


def kafka(action: str) -> None:
    subprocess.run(["bash", str(KAFKA_SCRIPT), action], check=True, timeout=180)


async def test_referrals_taken_while_kafka_is_down_reach_the_ledger_once_after_it_returns(
    intake, audit
):
    referral = {
        "referral_source": "self",
        "referral_date": date.today().isoformat(),
        "site_id": "south",
        "client": {"name": "Outage Example"},
    }
    kafka("down")
    try:
        responses = [await intake.post("/referrals", json=referral) for _ in range(5)]
    finally:
        kafka("up")

    assert [r.status_code for r in responses] == [201] * 5
    event_ids = {str(event_id_of("intake", uuid.UUID(r.json()["case_id"]), 1)) for r in responses}
    counts = await wait_for_ledger(audit, event_ids, seconds=120)
    assert all(counts[e] == 1 for e in event_ids)
