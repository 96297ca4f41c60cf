"""A republished event (the relay crashed after the broker's acknowledgement, before it
recorded its position) is on the topic twice, at two offsets: every consumer applies it once."""

import json

import asyncpg
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from shared.consumer import Consumer, Delivered
from shared.eventstore import EventStore
from shared.kafka import ensure_topics, reliable_producer
from shared.relay import OutboxRelay
from tests.conftest import unique_topic
from tests.integration.pipeline_helpers import (
    effect_counts,
    effects_table,
    event_id,
    incremented,
    run_until,
    send_all,
)
from tests.support.aggregates import SERVICE, new_counter
from tests.support.topics import end_offsets


class CrashBeforeRecording(OutboxRelay):
    async def record(self, notification_id: int) -> None:
        raise SystemExit("killed between the broker's acknowledgement and the position")


async def record_effects(conn: asyncpg.Connection, items: list[Delivered]) -> None:
    rows = [(item.envelope.event_id, item.envelope.data.get("by")) for item in items]
    await conn.executemany("INSERT INTO effects (event_id, by) VALUES ($1, $2)", rows)


async def publish_everything_twice(store: EventStore, kafka: str, topic: str) -> None:
    producer = reliable_producer(kafka)
    await producer.start()
    try:
        try:
            await CrashBeforeRecording(SERVICE, store, kafka, topic=topic).run_once(producer)
        except SystemExit:
            pass
        await OutboxRelay(SERVICE, store, kafka, topic=topic).run_once(producer)
    finally:
        await producer.stop()


async def test_an_event_published_twice_has_its_effect_once_in_a_consumer(
    store: EventStore, isolated_pool: asyncpg.Pool, kafka: str
):
    topic = unique_topic()
    await ensure_topics(kafka, [topic])
    for _ in range(10):
        await store.save(new_counter(increments=1))
    await publish_everything_twice(store, kafka, topic)
    assert sum((await end_offsets(kafka, topic)).values()) == 40
    await effects_table(isolated_pool)
    group = unique_topic("group")
    consumer = Consumer(group, [topic], kafka, isolated_pool, record_effects)

    async def all_forty_consumed() -> bool:
        return consumer.processed >= 40

    await run_until(consumer, all_forty_consumed)
    counts = await effect_counts(isolated_pool)
    assert len(counts) == 20 and set(counts.values()) == {1}
    labels = {"consumer": group, "topic": topic}
    assert REGISTRY.get_sample_value("rapport_consumer_duplicates_total", labels) == 20


async def test_an_event_id_arriving_again_with_other_content_is_handed_on_with_an_alarm(
    isolated_pool: asyncpg.Pool, kafka: str
):
    topic = unique_topic()
    await ensure_topics(kafka, [topic], partitions=1)
    original = incremented(by=1)
    impostor = json.dumps({**json.loads(original), "data": {"by": 2}}).encode()
    producer = reliable_producer(kafka)
    await producer.start()
    try:
        await send_all(producer, topic, [original, original, impostor])
    finally:
        await producer.stop()
    await effects_table(isolated_pool)
    group = unique_topic("group")
    consumer = Consumer(group, [topic], kafka, isolated_pool, record_effects)

    async def all_three_consumed() -> bool:
        return consumer.processed >= 3

    with capture_logs() as logs:
        await run_until(consumer, all_three_consumed)

    # The handler decides (the ledger refuses it with its own alarm); the repeat is skipped.
    rows = await isolated_pool.fetch("SELECT by FROM effects ORDER BY by")
    assert [r["by"] for r in rows] == [1, 2]
    labels = {"consumer": group, "topic": topic}
    assert REGISTRY.get_sample_value("rapport_consumer_event_id_reused_total", labels) == 1
    assert REGISTRY.get_sample_value("rapport_consumer_duplicates_total", labels) == 1
    alarms = [e for e in logs if e["event"] == "consumer.event_id_reused_with_other_content"]
    assert [a["event_id"] for a in alarms] == [event_id(original)]
