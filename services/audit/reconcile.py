"""Reconciliation: every message on the service topics up to their end offsets is in the
ledger, and every ledger entry has its message, matched by topic, partition, offset and
event id.

Each run reads a partition from its mark (the offset below which everything was accounted
for) to its end offset. A message is accounted for when the ledger holds it at its offset,
or holds its event from an earlier delivery (a republished duplicate), or it is not an
envelope (dead-lettered). A message past the ledger consumer's tracked position is pending,
not missing. The mark stops at the first problem, so a problem is reported until it is gone.
"""

import asyncio
from typing import Any
from uuid import UUID

import asyncpg
import structlog
from aiokafka import TopicPartition

from services.audit.kafka_scan import KafkaScan, Span
from services.audit.reconcile_checks import SHOWN, PartitionCheck, classify, report

log = structlog.get_logger()


class Reconciler:
    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap: str,
        topics: list[str],
        consumer: str,
        window: int = 200_000,
    ):
        self.pool = pool
        self.window = window  # messages read per partition and run: bounds time and memory
        self.bootstrap = bootstrap
        self.topics = topics
        self.consumer = consumer
        self.last: dict[str, Any] | None = None
        # Entries below this leaf claim a service topic. The ledger only grows, so each run
        # reads only what came since, up to the first stray (as a partition's mark stops at
        # its first problem); a new instance reads the whole ledger once.
        self.topics_checked_to = 0
        self._lock = asyncio.Lock()

    async def run_once(self) -> dict[str, Any]:
        async with self._lock, KafkaScan(self.bootstrap) as scan:
            spans = await scan.spans(self.topics)
            marks, tracked = await self._positions()
            results = [
                await self._partition(scan, tp, span, marks, tracked) for tp, span in spans.items()
            ]
            # Entries past the end read first may be new arrivals; past the end read now, none
            # can have a message.
            ends = await scan.end_offsets(list(spans))
            for (check, later), tp in zip(results, spans, strict=True):
                check.orphans += [r["leaf_index"] for r in later if r["kafka_offset"] >= ends[tp]]
            strays = await self._entries_off_topics()
        self.last = report([check for check, _ in results], strays)
        return self.last

    async def _partition(
        self, scan: KafkaScan, tp: TopicPartition, span: Span, marks: dict, tracked: dict
    ) -> tuple[PartitionCheck, list[asyncpg.Record]]:
        """Check the partition from its mark on, at most `window` messages in one run."""
        key = (tp.topic, tp.partition)
        start = max(marks.get(key, 0), span.start)
        window = Span(span.start, min(span.end, start + self.window))
        messages = await scan.event_ids(tp, start, window.end)
        check, later = await self._check(tp, window, start, messages, tracked.get(key, -1))
        check.end_offset = span.end
        return check, later

    async def run(self, interval: float) -> None:
        while True:
            try:
                report = await self.run_once()
                log.info("reconciliation.done", ok=report["ok"], **report["totals"])
            except Exception as error:  # the broker or database is away: try again later
                log.warning("reconciliation.failed", error=repr(error))
            await asyncio.sleep(interval)

    async def _positions(self) -> tuple[dict, dict]:
        marks = await self.pool.fetch("SELECT topic, kafka_partition, checked_to"
                                      " FROM reconciliation_marks")  # fmt: skip
        tracked = await self.pool.fetch(
            "SELECT topic, partition, kafka_offset FROM tracking WHERE consumer = $1",
            self.consumer,
        )
        return ({(r[0], r[1]): r[2] for r in marks}, {(r[0], r[1]): r[2] for r in tracked})

    async def _check(
        self, tp: TopicPartition, span: Span, start: int, messages: dict[int, UUID | None],
        position: int,
    ) -> tuple[PartitionCheck, list[asyncpg.Record]]:  # fmt: skip
        rows = await self.pool.fetch(
            "SELECT leaf_index, event_id, kafka_offset FROM ledger_entries"
            " WHERE topic = $1 AND kafka_partition = $2 AND kafka_offset >= $3",
            tp.topic, tp.partition, start,
        )  # fmt: skip
        later = [r for r in rows if r["kafka_offset"] >= span.end]
        rows = [r for r in rows if r["kafka_offset"] < span.end]
        at_offset = {r["kafka_offset"]: r["event_id"] for r in rows}
        moved = [e for o, e in messages.items() if e is not None and at_offset.get(o) != e]
        check = PartitionCheck(tp.topic, tp.partition, span.end, start, position)
        problems = classify(check, messages, at_offset, await self._in_ledger(moved))
        for row in rows:
            if messages.get(row["kafka_offset"]) != row["event_id"]:
                check.orphans.append(row["leaf_index"])
                problems.append(row["kafka_offset"])
        check.checked_to = min([span.end, *problems])
        await self._save_mark(tp, check.checked_to)
        return check, later

    async def _in_ledger(self, event_ids: list[UUID]) -> set[UUID]:
        rows = await self.pool.fetch(
            "SELECT event_id FROM ledger_entries WHERE event_id = ANY($1::uuid[])", event_ids
        )
        return {r["event_id"] for r in rows}

    async def _save_mark(self, tp: TopicPartition, checked_to: int) -> None:
        await self.pool.execute(
            "INSERT INTO reconciliation_marks (topic, kafka_partition, checked_to)"
            " VALUES ($1, $2, $3) ON CONFLICT (topic, kafka_partition)"
            " DO UPDATE SET checked_to = EXCLUDED.checked_to",
            tp.topic, tp.partition, checked_to,
        )  # fmt: skip

    async def _entries_off_topics(self) -> list[int]:
        """Ledger entries claiming a topic that is not a service topic: no message can back them."""
        # Appends commit in leaf order (under the ledger's lock): nothing can land below `end`.
        end = await self.pool.fetchval(
            "SELECT coalesce(max(leaf_index) + 1, 0) FROM ledger_entries"
        )
        rows = await self.pool.fetch(
            "SELECT leaf_index FROM ledger_entries WHERE leaf_index >= $1 AND leaf_index < $2"
            " AND topic <> ALL($3::text[]) ORDER BY leaf_index LIMIT $4",
            self.topics_checked_to, end, self.topics, SHOWN,
        )  # fmt: skip
        strays = [r["leaf_index"] for r in rows]
        self.topics_checked_to = strays[0] if strays else end
        return strays
