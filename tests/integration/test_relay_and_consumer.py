"""The outbox relay and the consumer runner against the real PostgreSQL and Kafka."""

import asyncio
import json
from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.consumer import Consumer, Delivered
from shared.envelope import Envelope
from shared.eventstore import EventStore
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from shared.relay import OutboxRelay
from shared.stalls import Batch
from tests.conftest import unique_topic
from tests.support.aggregates import SERVICE, new_counter


@pytest.fixture
async def producer(kafka: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = reliable_producer(kafka)
    await producer.start()
    yield producer
    await producer.stop()


async def read_topic(kafka: str, topic: str, count: int, seconds: float = 20) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka, auto_offset_reset="earliest")
    await consumer.start()
    records: list = []
    try:
        async with asyncio.timeout(seconds):
            while len(records) < count:
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def run_until(consumer: Consumer, done, seconds: float = 30) -> None:
    task = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(seconds):
            while not await done():
                if task.done():
                    task.result()
                await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_relay_publishes_every_event_in_notification_order(
    store: EventStore, kafka, producer
):
    topic = unique_topic()
    await ensure_topics(kafka, [topic], partitions=1)
    counters = [new_counter(increments=2) for _ in range(20)]
    for counter in counters:
        await store.save(counter)
    relay = OutboxRelay(SERVICE, store, kafka, batch_size=7, topic=topic)

    while await relay.run_once(producer):
        pass

    records = await read_topic(kafka, topic, 60)
    envelopes = [Envelope.from_kafka(r.value) for r in records]
    expected = [
        (n.event.originator_id, n.event.originator_version)
        for n in await store.notifications(0, 100)
    ]
    assert [(e.originator_id, e.originator_version) for e in envelopes] == expected
    assert records[0].key == str(counters[0].id).encode()
    assert dict(records[0].headers)["event_id"] == str(envelopes[0].event_id).encode()
    assert await relay.lag() == 0


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_consumer_carries_on(
    isolated_pool: asyncpg.Pool, kafka, producer
):
    topic = unique_topic()
    await ensure_topics(kafka, [topic, dead_letter_topic(topic)], partitions=1)
    handled: set[str] = set()  # a failed batch is retried, so the same event may come twice
    poison = envelope_json(99)
    poison_id = json.loads(poison)["event_id"]

    async def handle(conn: asyncpg.Connection, items: list[Delivered]) -> None:
        for item in items:
            if str(item.envelope.event_id) == poison_id:  # data the database refuses: 22P02
                await conn.execute("SELECT $1::int", "this event cannot be applied")
            handled.add(str(item.envelope.event_id))

    good = [envelope_json(n) for n in range(3)]
    good_ids = {json.loads(g)["event_id"] for g in good}
    await producer.send_and_wait(topic, good[0])
    await producer.send_and_wait(topic, b"{not json")
    await producer.send_and_wait(topic, good[1])
    await producer.send_and_wait(topic, poison)
    await producer.send_and_wait(topic, good[2])
    consumer = Consumer(unique_topic("group"), [topic], kafka, isolated_pool, handle)

    async def all_good_handled() -> bool:
        return consumer.dead_letters == 2 and handled == good_ids

    await run_until(consumer, all_good_handled)
    letters = await read_topic(kafka, dead_letter_topic(topic), 2)
    assert [r.value[:9] for r in letters] == [b"{not json", b'{"event_i']
    assert all("dlq.error" in dict(r.headers) for r in letters)
    assert b"cannot be applied" in dict(letters[1].headers)["dlq.error"]


async def test_records_fetched_again_after_their_batch_settled_are_not_dead_lettered_twice(
    isolated_pool: asyncpg.Pool, kafka, producer
):
    """A rebalance in the middle of a batch seeks the partition back to the position the
    batch had not yet moved: its records come again once it has settled them."""
    topic = unique_topic()
    await ensure_topics(kafka, [topic, dead_letter_topic(topic)], partitions=1)
    for value in (envelope_json(0), b"{not json", envelope_json(1)):
        await producer.send_and_wait(topic, value)
    handled: list[str] = []

    async def handle(conn: asyncpg.Connection, items: list[Delivered]) -> None:
        handled.extend(str(item.envelope.event_id) for item in items)

    consumer = Consumer(unique_topic("group"), [topic], kafka, isolated_pool, handle)

    async def settled() -> bool:
        return consumer.dead_letters == 1 and len(handled) == 2

    await run_until(consumer, settled)
    records = await read_topic(kafka, topic, 3)
    await consumer._process(Batch(TopicPartition(topic, 0), records))  # as fetched again

    assert (consumer.dead_letters, len(handled)) == (1, 2)
    dlq = TopicPartition(dead_letter_topic(topic), 0)
    assert (await end_offsets(kafka, dlq)) == 1


async def end_offsets(kafka: str, tp: TopicPartition) -> int:
    reader = AIOKafkaConsumer(bootstrap_servers=kafka)
    await reader.start()
    try:
        return (await reader.end_offsets([tp]))[tp]  # type: ignore[no-any-return]
    finally:
        await reader.stop()


def envelope_json(n: int, **data) -> bytes:
    counter = new_counter()
    event = counter.collect_events()[0]
    envelope = Envelope.of(SERVICE, event).model_copy(update={"data": data})
    return json.dumps(envelope.model_dump(mode="json")).encode()
