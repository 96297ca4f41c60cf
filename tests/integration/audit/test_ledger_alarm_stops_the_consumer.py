"""The audit ledger's consumer, meeting one event id with two different envelopes on the
real Kafka and PostgreSQL (issue 7, fault 3): it raises the alarm and stops there, retrying;
nothing is dead-lettered and nothing after it is skipped."""

import uuid

import asyncpg
from prometheus_client import REGISTRY

from services.audit import ledger
from shared.consumer import Consumer
from shared.envelope import Envelope
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from tests.conftest import unique_topic
from tests.integration.pipeline_helpers import message_count, run_until
from tests.support.ledger_data import envelope

ALARMS = "rapport_audit_ledger_event_id_conflicts_total"


async def send(kafka: str, topic: str, *messages: Envelope) -> None:
    producer = reliable_producer(kafka)
    await producer.start()
    try:
        for message in messages:
            await producer.send_and_wait(topic, message.kafka_value(), partition=0)
    finally:
        await producer.stop()


async def ledger_ids(pool: asyncpg.Pool) -> list[uuid.UUID]:
    rows = await pool.fetch("SELECT event_id FROM ledger_entries ORDER BY leaf_index")
    return [r["event_id"] for r in rows]


async def test_one_event_id_with_other_bytes_stops_the_ledger_consumer_without_dead_letters(
    audit_pool: asyncpg.Pool, kafka: str
):
    topic = unique_topic("intake")
    await ensure_topics(kafka, [topic, dead_letter_topic(topic)], partitions=1)
    first, after = envelope(), envelope()
    impostor = first.model_copy(update={"data": {**first.data, "referral_source": "self"}})
    consumer = Consumer(f"audit-{uuid.uuid4().hex[:8]}", [topic], kafka, audit_pool, ledger.append)
    await send(kafka, topic, first)

    async def first_in() -> bool:
        return await ledger_ids(audit_pool) == [first.event_id]

    await run_until(consumer, first_in)
    await send(kafka, topic, impostor, after)
    alarms_before = REGISTRY.get_sample_value(ALARMS) or 0.0

    seen: list[dict] = []

    async def alarmed_twice() -> bool:  # raised, and raised again on the retry
        seen.append(consumer.health())
        again = (REGISTRY.get_sample_value(ALARMS) or 0.0) >= alarms_before + 2
        return again and seen[-1]["state"] == "retrying"

    await run_until(consumer, alarmed_twice)

    health = seen[-1]
    assert not health["ok"]
    assert "EventIdConflict" in health["error"]
    assert consumer.dead_letters == 0
    assert await message_count(kafka, dead_letter_topic(topic)) == 0
    assert await ledger_ids(audit_pool) == [first.event_id]  # `after` waits: nothing skipped
