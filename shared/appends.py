"""Appending saves to the event store: one round trip for one or many saves, and a group
commit that gathers the saves of concurrent commands into one transaction.

Why group: the exclusive table lock that keeps notification order equal to commit order
also serialises commits, so each save would wait for its own WAL flush. Gathering the saves
that arrive while one transaction commits lets a single flush serve them all, and keeps the
lock's guarantee (the property test in tests/integration/test_event_store.py holds)."""

import asyncio
from collections.abc import Sequence
from uuid import UUID

import asyncpg

Row = tuple[UUID, int, str, bytes]  # originator_id, originator_version, topic, state
NO_TRACKING = (None, None, None, None)


async def append_saves(
    conn: asyncpg.Connection, saves: Sequence[Sequence[Row]], tracking: tuple = NO_TRACKING
) -> list[list[int] | None]:
    """Per save: its notification ids, or None where a version was already stored."""
    rows = [(row, number) for number, save in enumerate(saves) for row in save]
    columns = list(zip(*[row for row, _ in rows], strict=True)) or [[], [], [], []]
    stored = await conn.fetch(
        "SELECT * FROM append_events($1::uuid[], $2::bigint[], $3::text[], $4::bytea[],"
        " $5::int[], $6, $7, $8, $9)",
        *columns,
        [number for _, number in rows],
        *tracking,
    )
    ids = {(r["originator_id"], r["originator_version"]): r["notification_id"] for r in stored}
    return [_ids_of(save, ids) for save in saves]


def _ids_of(save: Sequence[Row], ids: dict[tuple[UUID, int], int]) -> list[int] | None:
    if save and (save[0][0], save[0][1]) not in ids:
        return None
    return [ids[(row[0], row[1])] for row in save]


class GroupCommit:
    """One transaction at a time per process; saves that arrive meanwhile share the next."""

    def __init__(self, pool: asyncpg.Pool, max_saves: int = 256):
        self.pool = pool
        self.max_saves = max_saves
        self._waiting: list[tuple[Sequence[Row], asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def append(self, save: Sequence[Row]) -> list[int] | None:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((save, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._waiting:
            batch = self._take_batch()
            try:
                async with self.pool.acquire() as conn:
                    results = await append_saves(conn, [save for save, _ in batch])
            except BaseException as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    def _take_batch(self) -> list[tuple[Sequence[Row], asyncio.Future]]:
        """The next saves, leaving for later any that writes a version another already does:
        in the database, after the first commits, it then meets its conflict."""
        batch, keys, later = [], set(), []
        for save, future in self._waiting:
            save_keys = {(row[0], row[1]) for row in save}
            if len(batch) < self.max_saves and not keys & save_keys:
                batch.append((save, future))
                keys |= save_keys
            else:
                later.append((save, future))
        self._waiting = later
        return batch
