"""Reading what a Kafka topic received during a test run: its end offsets at the start, and
every message from there on."""

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """The next offset of each partition; empty when the topic does not exist yet."""
    consumer = await _assigned(bootstrap, topic)
    if consumer is None:
        return {}
    try:
        ends = await consumer.end_offsets(list(consumer.assignment()))
        return {tp.partition: offset for tp, offset in ends.items()}
    finally:
        await consumer.stop()


async def read_since(
    bootstrap: str,
    topic: str,
    start: dict[int, int],
    done: Callable[[list[ConsumerRecord]], bool],
    seconds: float = 60,
) -> list[ConsumerRecord]:
    """Every message after `start` (offset 0 for partitions it lacks), read until `done`
    holds for what was read and then up to the end offsets of that moment."""
    consumer = await _assigned(bootstrap, topic)
    if consumer is None:
        raise LookupError(f"topic {topic} does not exist")
    try:
        for tp in consumer.assignment():
            consumer.seek(tp, start.get(tp.partition, 0))
        return await _read(consumer, done, seconds)
    finally:
        await consumer.stop()


async def _assigned(bootstrap: str, topic: str) -> AIOKafkaConsumer | None:
    """A started consumer assigned every partition of the topic (no consumer group)."""
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await probe.start()
    try:
        if topic not in await probe.topics():
            return None
    finally:
        await probe.stop()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()  # subscribing loads the topic's metadata
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    consumer.unsubscribe()
    consumer.assign(partitions)
    return consumer


async def _read(consumer: AIOKafkaConsumer, done, seconds: float) -> list[ConsumerRecord]:
    records: list[ConsumerRecord] = []
    partitions = list(consumer.assignment())
    loop = asyncio.get_running_loop()
    deadline, ends = loop.time() + seconds, None
    while loop.time() < deadline:
        for batch in (await consumer.getmany(timeout_ms=200)).values():
            records.extend(batch)
        if ends is None and done(records):
            ends = await consumer.end_offsets(partitions)
        if ends is not None and all([await consumer.position(tp) >= ends[tp] for tp in partitions]):
            return records
    raise TimeoutError(f"read {len(records)} messages, but not all that were expected")
