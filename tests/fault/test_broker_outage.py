"""Kafka goes away entirely (every broker of a private cluster, never the shared one):
commands still succeed, and their events arrive once everywhere after it returns."""

import asyncio

import httpx

from shared.kafka import topic_of
from tests.fault import private
from tests.support.clock import today
from tests.support.ledger import LedgerMark
from tests.support.once import assert_once_everywhere
from tests.support.stack import STAFF, Stack
from tests.support.wire import TopicMark

REFERRAL = {
    "referral_source": "self",
    "referral_date": today().isoformat(),
    "site_id": "south",
    "client": {"name": "Outage Example"},
}


async def test_referrals_taken_while_kafka_is_down_reach_the_ledger_once_after_it_returns(
    isolated: Stack, private_kafka: str, tmp_path
):
    stack = isolated
    await stack.up("intake", "audit")
    wire = await TopicMark.now(private_kafka, topic_of("intake"))
    ledger = await LedgerMark.now(stack.url("audit"))
    await asyncio.to_thread(private.kafka_cluster, "kill", *private.BROKERS)
    try:
        async with httpx.AsyncClient(base_url=stack.url("intake"), auth=STAFF) as intake:
            responses = [await intake.post("/referrals", json=REFERRAL) for _ in range(5)]
        during = await ledger.entries_now({r.json()["case_id"] for r in responses})
    finally:
        await asyncio.to_thread(private.kafka_cluster, "up")

    assert [r.status_code for r in responses] == [201] * 5
    assert during == [], "nothing could reach the ledger while Kafka was down"
    case_ids = {r.json()["case_id"] for r in responses}
    await assert_once_everywhere(wire, ledger, case_ids, tmp_path, seconds=120)
