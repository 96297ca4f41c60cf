"""A three-broker Kafka cluster (deploy/kafka_cluster.sh), topics with three replicas and
min.insync.replicas 2: a broker killed mid-load, or two brokers down, loses nothing and
duplicates nothing."""

import asyncio
import json

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from tests.fault import private
from tests.fault.kafka_admin import topic_layout, topic_setting
from tests.fault.load import Load
from tests.fault.observe import ledger_counts, relay_health
from tests.support.stack import Stack

TOPIC = "intake.events"


async def cluster(action: str, *nodes: int) -> None:
    await asyncio.to_thread(private.kafka_cluster, action, *nodes)


async def in_sync_replicas_shrink_to(bootstrap: str, brokers: set[int], seconds=60) -> bool:
    for _ in range(seconds * 2):
        try:
            layout = await topic_layout(bootstrap, TOPIC)
        except KafkaError:  # asked a broker that is down
            layout = {}
        if layout and all(set(isr) == brokers for _, isr in layout.values()):
            return True
        await asyncio.sleep(0.5)
    return False


async def on_the_topic(bootstrap: str, case_ids: set[str], seconds: float = 5) -> set[str]:
    """Which of the cases have an event that readers of the topic can see (read for a
    while from the beginning: asking the end offsets waits on the brokers that are down)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    seen: set[str] = set()
    try:
        consumer.assign([TopicPartition(TOPIC, p) for p in range(3)])
        await consumer.seek_to_beginning()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                seen |= {json.loads(r.value)["case_id"] for r in records}
    finally:
        await consumer.stop()
    return seen & case_ids


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
    isolated: Stack, private_kafka: str
):
    stack = isolated
    await stack.up("intake", "audit")
    load = Load([stack.url("intake")], workers=2).start()
    try:
        await load.wait_acknowledged(20)
        await cluster("kill", 2, 3)
        await asyncio.sleep(1)  # what was taken from here on was stored after they died
        before = set(load.acknowledged)
        # Once the controller has fenced them, broker 1 is the only replica in sync: it
        # could take an event alone, and min.insync.replicas 2 must refuse it.
        assert await in_sync_replicas_shrink_to(private_kafka, {1}), "broker 1 alone in sync"
        await load.wait_acknowledged(len(before) + 100)
        await asyncio.sleep(3)  # the relay tries to publish them
        readiness, relay = await health_when_degraded(stack.url("intake"))
        held = [case for case in load.acknowledged if case not in before]
        published_while_down = await on_the_topic(private_kafka, set(held))
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
