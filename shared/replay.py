"""Replaying a consumer's dead letters after a fix, once each, on the record.

Each letter goes through the consumer's own handler, directly (nothing is published again, so
no other consumer of the topic sees it twice), in a transaction of its own that also records
its event id as applied (shared/processed.py: a letter whose event the consumer applied since,
or a second copy of a letter, is a duplicate and changes nothing) and the replay's row in
dead_letter_replays: who, when, which letter, what came of it. A letter applied, or found a
duplicate, is never tried again; one that fails again stays for the next replay. The handler
sees the letter's original topic, partition and offset. A dry run tries every letter in one
transaction that it rolls back: it says what a replay would do and keeps nothing.
"""

import uuid
from collections import Counter
from typing import Any

import asyncpg
import structlog
from aiokafka.structs import ConsumerRecord

from shared.dead_letters import header, read_letters, source_of
from shared.delivered import Delivered, Handler
from shared.logging import correlation
from shared.poison import describe, is_the_messages_fault, parse
from shared.processed import ensure_processed_schema, to_apply
from shared.schema import create_idempotently

log = structlog.get_logger()

SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letter_replays (
    id bigserial PRIMARY KEY,
    run_id uuid NOT NULL,
    consumer text NOT NULL,
    dlq_topic text NOT NULL,
    dlq_partition int NOT NULL,
    dlq_offset bigint NOT NULL,
    event_id uuid,
    outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'failed')),
    error text,
    actor text NOT NULL,
    replayed_at timestamptz NOT NULL DEFAULT now()
);
-- A letter is done once applied or found a duplicate; two replays at once cannot both do it.
CREATE UNIQUE INDEX IF NOT EXISTS dead_letter_replays_done
    ON dead_letter_replays (consumer, dlq_topic, dlq_partition, dlq_offset)
    WHERE outcome <> 'failed';
"""


class Replay:
    def __init__(self, conn: asyncpg.Connection, consumer: str, topic: str, actor: str):
        self.conn, self.consumer, self.topic, self.actor = conn, consumer, topic, actor
        self.run_id = uuid.uuid4()
        self.counts: Counter[str] = Counter()

    async def letters_done(self) -> set[tuple[int, int]]:
        rows = await self.conn.fetch(
            "SELECT dlq_partition, dlq_offset FROM dead_letter_replays"
            " WHERE consumer = $1 AND dlq_topic = $2 AND outcome <> 'failed'",
            self.consumer,
            self.topic,
        )
        return {(r["dlq_partition"], r["dlq_offset"]) for r in rows}

    async def one(self, record: ConsumerRecord, handle: Handler) -> None:
        """Apply one letter in a transaction (a savepoint in a dry run) and record it."""
        event_id, outcome, error = None, "failed", ""
        try:
            envelope = parse(record.value)
            event_id, source = envelope.event_id, source_of(record)
            item = Delivered(envelope, source.topic, source.partition, source.offset,
                             record.value)  # fmt: skip
            async with self.conn.transaction():
                todo, _ = await to_apply(self.conn, self.consumer, [item])
                if todo:
                    with correlation(envelope.correlation_id):
                        await handle(self.conn, todo)
                outcome = "applied" if todo else "duplicate"
                await self._note(record, event_id, outcome, "")
        except asyncpg.UniqueViolationError as clash:
            if clash.constraint_name != "dead_letter_replays_done":
                error = describe(clash)
            else:  # another replay did it a moment ago
                outcome = "already_replayed"
        except ValueError as bad:  # not an envelope, against its contract, bad dlq.source
            error = describe(bad)
        except Exception as failure:
            if not is_the_messages_fault(failure):
                raise  # the database, or the handler's bug: stop, nothing is recorded
            error = describe(failure)
        if outcome == "failed":
            await self._note(record, event_id, outcome, error)
        self.counts[outcome] += 1
        log.info("dead_letters.replayed", run_id=str(self.run_id), actor=self.actor,
                 consumer=self.consumer, dlq_topic=self.topic, dlq_partition=record.partition,
                 dlq_offset=record.offset, event_id=str(event_id), outcome=outcome,
                 error=error or None)  # fmt: skip

    async def _note(
        self, record: ConsumerRecord, event_id: uuid.UUID | None, outcome: str, error: str
    ) -> None:
        await self.conn.execute(
            "INSERT INTO dead_letter_replays (run_id, consumer, dlq_topic, dlq_partition,"
            " dlq_offset, event_id, outcome, error, actor) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
            self.run_id, self.consumer, self.topic, record.partition, record.offset,
            event_id, outcome, error or None, self.actor,
        )  # fmt: skip


async def replay(
    pool: asyncpg.Pool, bootstrap: str, consumer: str, topic: str, handle: Handler,
    actor: str, dry_run: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Replay `consumer`'s letters on dead-letter `topic`; return what came of them."""
    async with pool.acquire() as conn:
        await ensure_processed_schema(conn)
        await create_idempotently(conn, SCHEMA)
        run = Replay(conn, consumer, topic, actor)
        trial = conn.transaction()
        if dry_run:
            await trial.start()
        try:
            done = await run.letters_done()
            for record in await read_letters(bootstrap, topic):
                if header(record, "dlq.consumer") != consumer:
                    continue  # another consumer's letter on the same topic
                if (record.partition, record.offset) in done:
                    run.counts["already_replayed"] += 1
                else:
                    await run.one(record, handle)
        finally:
            if dry_run:
                await trial.rollback()
    summary = {"run_id": str(run.run_id), "consumer": consumer, "topic": topic,
               "dry_run": dry_run, "applied": run.counts["applied"],
               "duplicates": run.counts["duplicate"], "failed": run.counts["failed"],
               "already_replayed": run.counts["already_replayed"]}  # fmt: skip
    log.info("dead_letters.replay_finished", actor=actor, **summary)
    return summary
