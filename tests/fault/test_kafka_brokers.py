"""A three-broker Kafka cluster (deploy/kafka_cluster.sh), topics with three replicas and
min.insync.replicas 2: a broker killed mid-load, or two brokers down, loses nothing and
duplicates nothing."""

import asyncio

import httpx

from tests.fault import private
from tests.fault.load import Load
from tests.fault.observe import (
    ledger_counts,
    ledger_now,
    relay_health,
    topic_layout,
    topic_setting,
)
from tests.support.stack import Stack

TOPIC = "intake.events"


async def cluster(action: str, *nodes: int) -> None:
    await asyncio.to_thread(private.kafka_cluster, action, *nodes)


def degraded(relay: dict) -> bool:
    return relay.get("state") == "broker_unreachable" or (relay.get("lag") or 0) > 0


async def health_when_degraded(url: str, seconds: float = 30) -> tuple[httpx.Response, dict]:
    """The readiness answer and the relay's health once it names a fault (or at the end)."""
    async with httpx.AsyncClient(base_url=url) as intake:
        for _ in range(int(seconds * 2)):
            await intake.get("/metrics")  # a scrape refreshes the relay's lag
            readiness = await intake.get("/health/ready")
            relay = await relay_health(intake)
            if degraded(relay):
                break
            await asyncio.sleep(0.5)
    return readiness, relay


async def test_a_broker_killed_mid_load_and_restarted_loses_and_duplicates_no_referral(
    isolated: Stack, private_kafka: str
):
    stack = isolated
    await stack.up("intake", "audit")
    layout = await topic_layout(private_kafka, TOPIC)
    assert all(len(isr) == 3 for _, isr in layout.values()), "three replicas in sync"
    assert await topic_setting(private_kafka, TOPIC, "min.insync.replicas") == "2"
    victim = layout[0][0]  # the leader of a partition the load writes to: it is busy
    load = Load([stack.url("intake")]).start()
    try:
        await load.wait_acknowledged(40)
        await cluster("kill", victim)
        await load.wait_acknowledged(len(load.acknowledged) + 40)
        await cluster("up", victim)
        await load.wait_acknowledged(len(load.acknowledged) + 40)
    finally:
        await load.stop()

    assert set(load.statuses) == {201}, load.statuses
    counts = await ledger_counts(stack.url("audit"), set(load.acknowledged), seconds=120)
    assert set(counts.values()) == {1}


async def test_with_two_brokers_down_commands_succeed_and_every_referral_arrives_once_after_they_return(  # noqa: E501
    isolated: Stack,
):
    stack = isolated
    await stack.up("intake", "audit")
    load = Load([stack.url("intake")], workers=2).start()
    try:
        await load.wait_acknowledged(20)
        await cluster("kill", 2, 3)
        await asyncio.sleep(1)  # what was taken from here on was stored after they died
        before = set(load.acknowledged)
        await load.wait_acknowledged(len(before) + 100)
        readiness, relay = await health_when_degraded(stack.url("intake"))
        held = [case for case in load.acknowledged if case not in before]
        published_while_down = await ledger_now(stack.url("audit"), set(held))
        await cluster("up", 2, 3)
        await load.wait_acknowledged(len(load.acknowledged) + 20)
    finally:
        await load.stop()

    assert set(load.statuses) == {201}, f"every command succeeded: {load.statuses}"
    assert readiness.status_code == 200, "intake serves commands, so it stays in rotation"
    assert degraded(relay), f"its health names the broker fault or the backlog: {relay}"
    assert not published_while_down, "one broker cannot take an event: the outbox holds it"
    counts = await ledger_counts(stack.url("audit"), set(load.acknowledged), seconds=120)
    assert set(counts.values()) == {1}
