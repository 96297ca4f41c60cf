"""Helpers of the consumer, relay and dead-letter tests: messages as relays publish them,
and a consumer run until a condition holds."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.consumer import Consumer
from shared.envelope import Envelope
from tests.support.aggregates import SERVICE, new_counter
from tests.support.topics import end_offsets


def incremented(by: Any, **extra: Any) -> bytes:
    """A pipelinetest.Incremented envelope whose data is {"by": by, **extra}."""
    counter = new_counter(increments=1)
    event = counter.collect_events()[1]
    envelope = Envelope.of(SERVICE, event)
    value = envelope.model_dump(mode="json")
    value["data"] = {"by": by, **extra}
    return json.dumps(value).encode()


def event_id(value: bytes) -> str:
    return str(json.loads(value)["event_id"])


async def send_all(producer: AIOKafkaProducer, topic: str, values: list[bytes]) -> None:
    for value in values:
        await producer.send_and_wait(topic, value, partition=0)


async def run_until(
    consumer: Consumer, done: Callable[[], Awaitable[bool]], seconds: float = 30
) -> None:
    """Run the consumer until `done()` holds; its own failure is raised."""
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


async def message_count(kafka: str, topic: str) -> int:
    return sum((await end_offsets(kafka, topic)).values())


async def effects_table(pool: asyncpg.Pool) -> None:
    """A consumer's effect that a duplicate would show: one row per application."""
    await pool.execute("CREATE TABLE effects (event_id uuid NOT NULL, by int)")


async def effect_counts(pool: asyncpg.Pool) -> dict[str, int]:
    rows = await pool.fetch("SELECT event_id, count(*) AS n FROM effects GROUP BY event_id")
    return {str(r["event_id"]): r["n"] for r in rows}
