"""A relay process killed with SIGKILL while it publishes: the relay that takes over
publishes every event, repeats only what the dead one had sent past its recorded position,
and the ledger consumer holds each event once."""

import asyncio
import json
import os
import signal
import sys
from asyncio.subprocess import Process
from collections import Counter

import asyncpg

from services.audit import ledger
from services.audit.schema import ensure_audit_schema
from shared.consumer import Consumer
from shared.eventstore import EventStore
from shared.kafka import ensure_topics
from shared.mapping import build_mapper, new_cipher_key
from shared.relay import OutboxRelay
from tests.conftest import database_url, unique_topic
from tests.support.aggregates import SERVICE, new_counter
from tests.support.stack import ROOT
from tests.support.topics import read_since

BATCH = 50


async def start_relay(schema: str, topic: str, kafka: str, key: str) -> Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.relay_process",
        database_url("intake"), schema, topic, kafka, str(BATCH),
        env={**os.environ, "RELAY_CIPHER_KEY": key}, cwd=ROOT,
    )  # fmt: skip


async def wait_position(relay: OutboxRelay, at_least: int, seconds: float = 60) -> int:
    async with asyncio.timeout(seconds):
        while True:
            if (position := await relay.position()) >= at_least:
                return position
            await asyncio.sleep(0.01)


async def test_relay_killed_mid_publishing_repeats_only_its_unrecorded_batch_and_ledger_holds_each_once(  # noqa: E501
    isolated_pool: asyncpg.Pool, kafka: str
):
    key, topic = new_cipher_key(), unique_topic()
    schema = await isolated_pool.fetchval("SELECT current_schema()")
    store = EventStore(isolated_pool, build_mapper(key))
    for _ in range(40):
        await store.save(*[new_counter(increments=4) for _ in range(10)])  # 2,000 events
    total = await store.max_notification_id()
    await ensure_topics(kafka, [topic])
    watch = OutboxRelay(SERVICE, store, kafka, topic=topic)  # reads the recorded position

    first = await start_relay(schema, topic, kafka, key)
    await wait_position(watch, total // 4)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    recorded = await watch.position()
    second = await start_relay(schema, topic, kafka, key)
    try:
        await wait_position(watch, total)
    finally:
        second.send_signal(signal.SIGKILL)
        await second.wait()

    records = await read_since(kafka, topic, {}, lambda r: len(r) >= total)
    envelopes = [json.loads(r.value) for r in records]
    sent = Counter((e["originator_id"], e["originator_version"]) for e in envelopes)
    notification_of = {
        (str(n.event.originator_id), n.event.originator_version): n.id
        for n in await store.notifications(0, total)
    }
    repeated = sorted(notification_of[k] for k, n in sent.items() if n > 1)
    assert first.returncode == -signal.SIGKILL and recorded < total, "killed mid-work"
    assert sent.keys() == notification_of.keys()
    assert all(recorded < n <= recorded + BATCH for n in repeated), (recorded, repeated[:5])
    assert set(sent.values()) <= {1, 2}

    async with isolated_pool.acquire() as conn:
        await ensure_audit_schema(conn)
    consumer = Consumer(unique_topic("group"), [topic], kafka, isolated_pool, ledger.append)
    task = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(60):
            while True:
                if await isolated_pool.fetchval("SELECT count(*) FROM ledger_entries") >= total:
                    break
                await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # time for a repeat, behind the last first copy, to be applied
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    rows = await isolated_pool.fetch("SELECT event_id FROM ledger_entries")
    assert len(rows) == total == len({r["event_id"] for r in rows})
