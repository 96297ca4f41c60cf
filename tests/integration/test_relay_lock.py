"""One relay per service publishes: the others stand by on a PostgreSQL advisory lock and one
takes over within seconds when the holder's connection is gone."""

import asyncio
import json

import asyncpg

from shared.eventstore import EventStore
from shared.kafka import ensure_topics
from shared.relay import OutboxRelay
from tests.conftest import unique_topic
from tests.support.aggregates import SERVICE, new_counter
from tests.support.topics import read_since

HOLDER = """
SELECT pid FROM pg_locks
WHERE locktype = 'advisory' AND granted AND objsubid = 1
  AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)
"""


async def save_counters(store: EventStore, count: int) -> None:
    for _ in range(count):
        await store.save(new_counter(increments=1))  # two events each


async def event_ids_on(kafka: str, topic: str, at_least: int) -> list[str]:
    records = await read_since(kafka, topic, {}, lambda r: len(r) >= at_least, seconds=30)
    return [json.loads(r.value)["event_id"] for r in records]


async def wait_for(condition, seconds: float = 15) -> None:
    async with asyncio.timeout(seconds):
        while True:  # polled: the relays expose their state, not events
            if condition():
                return
            await asyncio.sleep(0.1)


async def test_two_relays_on_one_store_publish_each_event_once_and_the_standby_takes_over(
    store: EventStore, isolated_pool: asyncpg.Pool, kafka: str
):
    topic = unique_topic()
    await ensure_topics(kafka, [topic])
    relays = [OutboxRelay(SERVICE, store, kafka, topic=topic) for _ in range(2)]
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        await save_counters(store, 10)
        assert len(await event_ids_on(kafka, topic, 20)) == 20
        await asyncio.sleep(1.5)  # a second publisher would have published by now
        assert len(await event_ids_on(kafka, topic, 20)) == 20
        states = sorted(relay.health()["state"] for relay in relays)
        assert states == ["publishing", "standby"]
        holder = next(r for r in relays if r.health()["state"] == "publishing")
        standby = next(r for r in relays if r is not holder)

        # The holder's process dies: its connection, and with it the lock, is gone.
        pid = await isolated_pool.fetchval(HOLDER, holder.lock_name)
        await isolated_pool.execute("SELECT pg_terminate_backend($1)", pid)
        await save_counters(store, 10)
        await wait_for(lambda: standby.health()["state"] == "publishing", seconds=10)

        ids = await event_ids_on(kafka, topic, 40)
        assert len(ids) == 40 == len(set(ids))
        assert standby.health()["published"] == 20
        # It noticed, and stopped (a supervisor would start it again as a standby).
        await wait_for(tasks[relays.index(holder)].done, seconds=5)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
