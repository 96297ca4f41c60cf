"""Appending saves to the event store: one round trip for one or many saves, and a group
commit that gathers the saves of concurrent commands into one transaction. A service's
projection (a read-model table) is written in that same transaction.

Why group: the exclusive table lock that keeps notification order equal to commit order
also serialises commits, so each save would wait for its own WAL flush. Gathering the saves
that arrive while one transaction commits lets a single flush serve them all, and keeps the
lock's guarantee (the property test in tests/integration/test_event_store.py holds).

One save must not fail the others: when a group's transaction fails for a reason that may
lie in one save's data (a value its projection's table refuses, a bug for one aggregate),
the group is retried in halves until the faulty save fails alone. A database fault (busy,
connection lost) fails the group as it is: retrying each save would only wait longer, and
after a lost commit a retry could report a conflict for a save that landed."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from uuid import UUID

import asyncpg
import structlog

from shared.db import acquire, committing, database_fault, transaction

log = structlog.get_logger()
Row = tuple[UUID, int, str, bytes]  # originator_id, originator_version, topic, state
# Writes read-model rows of the aggregates just saved, inside the save's transaction.
Projection = Callable[[asyncpg.Connection, Sequence[Any]], Awaitable[None]]


class Save:
    """The stored rows of one save, with its aggregates for the projection."""

    def __init__(self, rows: Sequence[Row], aggregates: Sequence[Any]):
        self.rows = rows
        self.aggregates = aggregates
        self.keys = {(row[0], row[1]) for row in rows}


async def append_saves(
    conn: asyncpg.Connection,
    saves: Sequence[Save],
    projection: Projection | None = None,
) -> list[list[int] | None]:
    """Per save: its notification ids, or None where a version was already stored.

    With a projection, the caller must hold a transaction open on `conn`."""
    rows = [(row, number) for number, save in enumerate(saves) for row in save.rows]
    no_rows: list[Sequence[Any]] = [[], [], [], []]
    columns = list(zip(*[row for row, _ in rows], strict=True)) or no_rows
    stored = await conn.fetch(
        "SELECT * FROM append_events($1::uuid[], $2::bigint[], $3::text[], $4::bytea[], $5::int[])",
        *columns,
        [number for _, number in rows],
    )
    ids = {(r["originator_id"], r["originator_version"]): r["notification_id"] for r in stored}
    results = [_ids_of(save.rows, ids) for save in saves]
    if projection is not None:
        saved = [
            a for save, ids in zip(saves, results, strict=True) if ids for a in save.aggregates
        ]
        await projection(conn, saved)
    return results


def _ids_of(rows: Sequence[Row], ids: dict[tuple[UUID, int], int]) -> list[int] | None:
    if rows and (rows[0][0], rows[0][1]) not in ids:
        return None
    return [ids[(row[0], row[1])] for row in rows]


class GroupCommit:
    """One transaction at a time per process; saves that arrive meanwhile share the next."""

    def __init__(self, pool: asyncpg.Pool, projection: Projection | None, max_saves: int = 256):
        self.pool = pool
        self.projection = projection
        self.max_saves = max_saves
        self._waiting: list[tuple[Save, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def append(self, save: Save) -> list[int] | None:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((save, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._waiting:
            await self._settle(self._take_batch())

    async def _settle(self, batch: list[tuple[Save, asyncio.Future]]) -> None:
        """Commit the batch and answer each save; on a fault that may be one save's, split."""
        try:
            results = await self._commit([save for save, _ in batch])
        except Exception as error:
            if len(batch) == 1 or database_fault(error):
                _fail(batch, error)
                return
            log.warning("group_commit.split_after_failure", saves=len(batch), error=repr(error))
            half = len(batch) // 2
            await self._settle(batch[:half])
            await self._settle(batch[half:])
            return
        except BaseException as error:  # cancelled: every waiting save learns it
            _fail(batch, error)
            raise
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def _commit(self, saves: list[Save]) -> list[list[int] | None]:
        if self.projection is None:  # one statement: one round trip, no BEGIN/COMMIT
            async with acquire(self.pool) as conn:
                return await committing(append_saves(conn, saves))
        async with transaction(self.pool) as conn:
            return await append_saves(conn, saves, self.projection)

    def _take_batch(self) -> list[tuple[Save, asyncio.Future]]:
        """The next saves, leaving for later any that writes a version another already does:
        in the database, after the first commits, it then meets its conflict."""
        batch: list[tuple[Save, asyncio.Future]] = []
        keys: set[tuple[UUID, int]] = set()
        later: list[tuple[Save, asyncio.Future]] = []
        for save, future in self._waiting:
            if len(batch) < self.max_saves and not keys & save.keys:
                batch.append((save, future))
                keys |= save.keys
            else:
                later.append((save, future))
        self._waiting = later
        return batch


def _fail(batch: list[tuple[Save, asyncio.Future]], error: BaseException) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(error)
