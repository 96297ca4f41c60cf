"""Which failures dead-letter a message: only the message's own (it does not parse, it breaks
its contract, it breaks a constraint); a fault of the database or of the code is retried with
backoff until it passes, and the consumer says it is retrying."""

import asyncio
import socket
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from prometheus_client import REGISTRY

from shared import consumer as consumer_module
from shared.consumer import Consumer, Delivered
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from tests.conftest import unique_topic
from tests.integration.pipeline_helpers import (
    effect_counts,
    effects_table,
    event_id,
    incremented,
    message_count,
    run_until,
    send_all,
)
from tests.support.topics import read_since

FAILED_ATTEMPTS = 8  # the consumer used to give up after three tries of the batch


@pytest.fixture
async def producer(kafka: str):
    producer = reliable_producer(kafka)
    await producer.start()
    yield producer
    await producer.stop()


async def new_topic(kafka: str) -> str:
    topic = unique_topic()
    await ensure_topics(kafka, [topic, dead_letter_topic(topic)], partitions=1)
    return topic


async def insert_effects(conn: asyncpg.Connection, items: list[Delivered]) -> None:
    rows = [(item.envelope.event_id, item.envelope.data["by"]) for item in items]
    await conn.executemany("INSERT INTO effects (event_id, by) VALUES ($1, $2)", rows)


class StorageLooksCorrupt(Exception):
    """An error the runner has never heard of: not provably the message's fault."""


async def read_only_database(conn: asyncpg.Connection, items: list[Delivered]) -> None:
    # As after a failover to a standby: every write fails with SQLSTATE 25006.
    await conn.execute("SET TRANSACTION READ ONLY")
    await insert_effects(conn, items)


async def unknown_error(conn: asyncpg.Connection, items: list[Delivered]) -> None:
    raise StorageLooksCorrupt("the ledger's storage does not hold what was written")


async def lock_held_elsewhere(conn: asyncpg.Connection, items: list[Delivered]) -> None:
    # The test holds a lock on the table for a while: SQLSTATE 55P03.
    await conn.execute("SET LOCAL lock_timeout = '100ms'")
    await insert_effects(conn, items)


async def hold_lock(pool: asyncpg.Pool, taken: asyncio.Event, release: asyncio.Event) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("LOCK TABLE effects IN EXCLUSIVE MODE")  # reads go on
        taken.set()
        await release.wait()


@pytest.mark.parametrize("fault", [read_only_database, lock_held_elsewhere, unknown_error])
async def test_database_and_code_faults_are_retried_until_they_pass_never_dead_lettered(
    isolated_pool: asyncpg.Pool, kafka: str, producer: AIOKafkaProducer, fault
):
    topic = await new_topic(kafka)
    await effects_table(isolated_pool)
    messages = [incremented(by=n) for n in range(3)]
    await send_all(producer, topic, messages)
    attempts, taken, fixed = 0, asyncio.Event(), asyncio.Event()
    lockers = []
    if fault is lock_held_elsewhere:
        lockers.append(asyncio.create_task(hold_lock(isolated_pool, taken, fixed)))
        await taken.wait()

    async def handle(conn: asyncpg.Connection, items: list[Delivered]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts > FAILED_ATTEMPTS:
            fixed.set()
        elif fault is not lock_held_elsewhere:
            await fault(conn, items)
        await lock_held_elsewhere(conn, items)

    name = unique_topic("group")
    consumer = Consumer(name, [topic], kafka, isolated_pool, handle, max_backoff=0.5)
    seen: list[dict] = []

    async def all_applied() -> bool:
        seen.append(consumer.health())
        if seen[-1]["state"] == "retrying":
            labels = {"consumer": name, "state": "retrying"}
            seen[-1]["metric"] = REGISTRY.get_sample_value("rapport_consumer_state", labels)
        applied = len(await effect_counts(isolated_pool)) == 3
        return applied and consumer.health()["state"] == "consuming"

    await run_until(consumer, all_applied)
    fixed.set()
    await asyncio.gather(*lockers)

    assert await effect_counts(isolated_pool) == {event_id(m): 1 for m in messages}
    assert await message_count(kafka, dead_letter_topic(topic)) == 0
    retrying = [h for h in seen if h["state"] == "retrying"]
    assert retrying and not retrying[0]["ok"] and retrying[0]["metric"] == 1
    assert retrying[-1]["error"]
    assert consumer.health()["state"] == "consuming" and consumer.health()["ok"]


async def test_messages_that_are_provably_bad_go_to_the_dead_letters_and_the_rest_apply(
    isolated_pool: asyncpg.Pool, kafka: str, producer: AIOKafkaProducer
):
    topic = await new_topic(kafka)
    await effects_table(isolated_pool)
    await isolated_pool.execute("CREATE TABLE claims (by int PRIMARY KEY)")
    await isolated_pool.execute("INSERT INTO claims VALUES (7)")

    async def claim(conn: asyncpg.Connection, items: list[Delivered]) -> None:
        for item in items:  # 23505 when the message claims what is taken
            await conn.execute("INSERT INTO claims VALUES ($1)", item.envelope.data["by"])
        await insert_effects(conn, items)

    good = [incremented(by=1), incremented(by=2)]
    unparsable, breaks_contract = b"{not json", incremented(by=3, name="Ada Example")
    taken = incremented(by=7)
    await send_all(producer, topic, [good[0], unparsable, breaks_contract, taken, good[1]])
    name = unique_topic("group")
    consumer = Consumer(name, [topic], kafka, isolated_pool, claim)

    async def all_settled() -> bool:
        applied = len(await effect_counts(isolated_pool))
        return applied > 2 or (consumer.dead_letters == 3 and applied == 2)

    await run_until(consumer, all_settled)

    assert await effect_counts(isolated_pool) == {event_id(m): 1 for m in good}
    letters = await read_since(kafka, dead_letter_topic(topic), {}, lambda r: len(r) >= 3)
    assert [r.value for r in letters] == [unparsable, breaks_contract, taken]
    errors = [dict(r.headers)["dlq.error"].decode() for r in letters]
    assert "name" in errors[1] and "23505" in errors[2]
    assert all(dict(r.headers)["dlq.consumer"] == name.encode() for r in letters)
    assert consumer.health()["state"] == "consuming"
    assert REGISTRY.get_sample_value("rapport_consumer_dead_letters_total", {"consumer": name}) == 3


async def test_a_consumer_that_cannot_reach_the_broker_says_it_is_retrying(
    isolated_pool: asyncpg.Pool,
):
    with socket.socket() as probe:  # a port where no broker listens
        probe.bind(("127.0.0.1", 0))
        nowhere = f"127.0.0.1:{probe.getsockname()[1]}"
    consumer = Consumer(
        unique_topic("group"), [unique_topic()], nowhere, isolated_pool, insert_effects
    )
    task = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(20):
            while True:  # polled: the consumer shows its state, it sends no event
                if consumer.health()["state"] == "retrying":
                    break
                await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not consumer.health()["ok"] and consumer.health()["error"]


async def test_a_partition_held_by_a_fault_not_its_messages_does_not_hold_up_the_others(
    isolated_pool: asyncpg.Pool, kafka: str, producer: AIOKafkaProducer
):
    topic = unique_topic()
    await ensure_topics(kafka, [topic, dead_letter_topic(topic)], partitions=2)
    await effects_table(isolated_pool)
    stuck, others = incremented(by=0), [incremented(by=n) for n in (1, 2)]
    fixed = asyncio.Event()

    async def handle(conn: asyncpg.Connection, items: list[Delivered]) -> None:
        if not fixed.is_set() and any(item.partition == 0 for item in items):
            raise StorageLooksCorrupt("a bug met by partition 0's event")
        await insert_effects(conn, items)

    await producer.send_and_wait(topic, stuck, partition=0)
    consumer = Consumer(unique_topic("group"), [topic], kafka, isolated_pool, handle)

    async def others_applied_while_stuck() -> bool:
        if consumer.health()["state"] == "retrying" and not others_sent:
            others_sent.append(True)
            for value in others:
                await producer.send_and_wait(topic, value, partition=1)
        applied = await effect_counts(isolated_pool)
        return len(applied) == 2 and consumer.health()["state"] == "retrying"

    others_sent: list[bool] = []
    await run_until(consumer, others_applied_while_stuck, seconds=30)
    assert await effect_counts(isolated_pool) == {event_id(m): 1 for m in others}

    fixed.set()

    async def all_applied() -> bool:
        return len(await effect_counts(isolated_pool)) == 3

    await run_until(consumer, all_applied)
    assert await message_count(kafka, dead_letter_topic(topic)) == 0


async def test_a_consumer_whose_kafka_fetcher_ended_stops_to_be_started_afresh(
    isolated_pool: asyncpg.Pool, kafka: str, producer: AIOKafkaProducer, monkeypatch
):
    # aiokafka's fetch task ended on an error writing to a dropped connection in a Kafka
    # outage, and getmany answered nothing for minutes after Kafka was back (aiokafka #983).
    made: list[AIOKafkaConsumer] = []

    class Recorded(AIOKafkaConsumer):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(consumer_module, "AIOKafkaConsumer", Recorded)
    topic = await new_topic(kafka)
    await effects_table(isolated_pool)
    await send_all(producer, topic, [incremented(by=1)])
    applied = asyncio.Event()

    async def handle(conn: asyncpg.Connection, items: list[Delivered]) -> None:
        await insert_effects(conn, items)
        applied.set()

    consumer = Consumer(unique_topic("group"), [topic], kafka, isolated_pool, handle)
    running = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(30):
            await applied.wait()
        made[-1]._fetcher._fetch_task.cancel()  # the routine ends as on that error

        async with asyncio.timeout(10):
            with pytest.raises(KafkaError, match="fetcher stopped"):
                await running
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert consumer.health()["state"] == "retrying", "said, until the supervisor restarts it"
