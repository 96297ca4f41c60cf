"""Replaying a dead-letter topic into its consumer after a fix: each message through the
consumer's handler in its own transaction, at most once per event, every replay recorded."""

import asyncio
import json
import os
import sys
from typing import Any

import asyncpg
import pytest

from shared.consumer import Consumer, Delivered
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from tests.conftest import database_url, unique_topic
from tests.integration.pipeline_helpers import (
    effect_counts,
    effects_table,
    event_id,
    incremented,
    run_until,
    send_all,
)
from tests.support.topics import read_since

HANDLER = f"{__name__}:claim"


async def claim(conn: asyncpg.Connection, items: list[Delivered]) -> None:
    """The consumer's effect: a claim that must be free (23505 when taken), and a row."""
    for item in items:
        await conn.execute("INSERT INTO claims VALUES ($1)", item.envelope.data["by"])
        await conn.execute(
            "INSERT INTO effects (event_id, by) VALUES ($1, $2)",
            item.envelope.event_id,
            item.envelope.data["by"],
        )


async def replay(kafka: str, pool: asyncpg.Pool, *args: str) -> tuple[int, dict[str, Any], str]:
    """The command as an operator runs it; returns its exit code, summary and log."""
    schema = await pool.fetchval("SELECT current_schema()")
    url = database_url("intake")
    url += f"{'&' if '?' in url else '?'}search_path={schema}"  # the test's own tables
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "shared.dead_letters", "replay", "--database-url", url,
        "--bootstrap", kafka, "--handler", HANDLER, "--actor", "ops-alice", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=os.environ.copy(),
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode in (0, 1) and out.strip(), err.decode()
    return process.returncode, json.loads(out.decode().strip().splitlines()[-1]), err.decode()


@pytest.fixture
async def dead_lettered(isolated_pool: asyncpg.Pool, kafka: str):
    """A consumer met a claim that was taken: that message went to the dead letters, twice
    (as when the consumer died after dead-lettering it, before recording its position)."""
    topic = unique_topic()
    dlq = dead_letter_topic(topic)
    await ensure_topics(kafka, [topic, dlq], partitions=1)
    await effects_table(isolated_pool)
    await isolated_pool.execute("CREATE TABLE claims (by int PRIMARY KEY)")
    await isolated_pool.execute("INSERT INTO claims VALUES (7)")
    messages = [incremented(by=1), incremented(by=7), incremented(by=2)]
    producer = reliable_producer(kafka)
    await producer.start()
    try:
        await send_all(producer, topic, messages)
        group = unique_topic("group")
        consumer = Consumer(group, [topic], kafka, isolated_pool, claim)

        async def settled() -> bool:
            return consumer.dead_letters == 1 and len(await effect_counts(isolated_pool)) == 2

        await run_until(consumer, settled)
        [letter] = await read_since(kafka, dlq, {}, lambda r: len(r) >= 1)
        await producer.send_and_wait(
            dlq, letter.value, key=letter.key, headers=list(letter.headers)
        )
    finally:
        await producer.stop()
    return group, dlq, messages


async def test_a_replay_applies_each_dead_letter_once_and_a_second_replay_applies_nothing(
    isolated_pool: asyncpg.Pool, kafka: str, dead_lettered
):
    group, dlq, messages = dead_lettered
    args = ("--consumer", group, "--topic", dlq)

    code, summary, _ = await replay(kafka, isolated_pool, *args, "--dry-run")
    assert code == 1 and summary["failed"] == 2  # the claim is still taken: nothing to gain
    await isolated_pool.execute("DELETE FROM claims WHERE by = 7")  # the fix

    code, summary, _ = await replay(kafka, isolated_pool, *args, "--dry-run")
    assert (code, summary["applied"], summary["duplicates"]) == (0, 1, 1)
    assert len(await effect_counts(isolated_pool)) == 2  # a dry run changes nothing

    code, summary, log = await replay(kafka, isolated_pool, *args)
    assert (code, summary["applied"], summary["duplicates"]) == (0, 1, 1)
    assert await effect_counts(isolated_pool) == {event_id(m): 1 for m in messages}
    assert "dead_letters.replayed" in log and "ops-alice" in log

    code, summary, _ = await replay(kafka, isolated_pool, *args)
    assert (code, summary["applied"], summary["already_replayed"]) == (0, 0, 2)
    assert await effect_counts(isolated_pool) == {event_id(m): 1 for m in messages}
    rows = await isolated_pool.fetch(
        "SELECT actor, dlq_offset, outcome FROM dead_letter_replays WHERE consumer = $1"
        " ORDER BY dlq_offset",
        group,
    )
    assert [(r["actor"], r["dlq_offset"], r["outcome"]) for r in rows] == [
        ("ops-alice", 0, "applied"),
        ("ops-alice", 1, "duplicate"),
    ]
