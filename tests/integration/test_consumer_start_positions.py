"""Where a consumer starts in a partition: from its position in Postgres, or from the
beginning when it has none (never from Kafka's committed offset); a position past the end of
the partition stops the consumer with an alarm."""

import asyncio

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from shared.consumer import Consumer, Delivered
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from shared.tracking import Position, advance
from tests.conftest import unique_topic
from tests.integration.pipeline_helpers import (
    effect_counts,
    effects_table,
    event_id,
    incremented,
    run_until,
    send_all,
)


@pytest.fixture
async def topic_with_three_messages(kafka: str):
    topic = unique_topic()
    await ensure_topics(kafka, [topic, dead_letter_topic(topic)], partitions=1)
    messages = [incremented(by=n) for n in range(3)]
    producer = reliable_producer(kafka)
    await producer.start()
    try:
        await send_all(producer, topic, messages)
    finally:
        await producer.stop()
    return topic, messages


async def record_effects(conn: asyncpg.Connection, items: list[Delivered]) -> None:
    rows = [(item.envelope.event_id, item.envelope.data["by"]) for item in items]
    await conn.executemany("INSERT INTO effects (event_id, by) VALUES ($1, $2)", rows)


async def commit_in_kafka(kafka: str, group: str, tp: TopicPartition, offset: int) -> None:
    """What the group's earlier life left in Kafka: everything up to `offset` committed."""
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([tp])
        await consumer.commit({tp: offset})
    finally:
        await consumer.stop()


async def test_a_rebuilt_database_replays_its_partitions_from_the_beginning(
    isolated_pool: asyncpg.Pool, kafka: str, topic_with_three_messages
):
    topic, messages = topic_with_three_messages
    group = unique_topic("group")
    await commit_in_kafka(kafka, group, TopicPartition(topic, 0), len(messages))
    await effects_table(isolated_pool)  # the database was rebuilt: no tracked position
    consumer = Consumer(group, [topic], kafka, isolated_pool, record_effects)

    async def all_applied() -> bool:
        return len(await effect_counts(isolated_pool)) == len(messages)

    await run_until(consumer, all_applied, seconds=20)
    assert await effect_counts(isolated_pool) == {event_id(m): 1 for m in messages}


async def test_a_position_past_the_end_of_its_partition_stops_the_consumer_with_an_alarm(
    isolated_pool: asyncpg.Pool, kafka: str, topic_with_three_messages
):
    topic, _ = topic_with_three_messages
    group = unique_topic("group")
    async with isolated_pool.acquire() as conn, conn.transaction():
        await advance(conn, Position(group, topic, 0, 50))  # the broker lost data
    await effects_table(isolated_pool)
    consumer = Consumer(group, [topic], kafka, isolated_pool, record_effects)

    with capture_logs() as logs:
        task = asyncio.create_task(consumer.run())
        try:
            async with asyncio.timeout(30):
                while consumer.health()["state"] != "stopped":
                    assert not task.done(), task.exception()
                    await asyncio.sleep(0.1)
            await asyncio.sleep(1)  # it reads nothing while it stays stopped
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    health = consumer.health()
    assert health["state"] == "stopped" and not health["ok"]
    assert topic in health["error"]
    alarms = [e for e in logs if e["event"] == "consumer.position_past_end_of_partition"]
    assert alarms and alarms[0]["log_level"] == "error"
    labels = {"consumer": group, "state": "stopped"}
    assert REGISTRY.get_sample_value("rapport_consumer_state", labels) == 1
    assert await effect_counts(isolated_pool) == {}
