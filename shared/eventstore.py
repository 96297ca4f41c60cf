"""The async event store (DESIGN.md rule 1): eventsourcing aggregates and Mapper, asyncpg storage.

One table shaped like the library's. A save is one round trip: a database function that takes
a short exclusive table lock, so notification ids are assigned in commit order and a reader
tailing the table never skips an event, then inserts every event (and an optional tracking
position) atomically.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent

from shared.appends import NO_TRACKING, GroupCommit, append_saves
from shared.schema import ALREADY_PROCESSED, ensure_schema
from shared.tracking import Position

A = TypeVar("A", bound=Aggregate)


class AggregateNotFound(LookupError):
    def __init__(self, aggregate_id: UUID):
        super().__init__(f"no aggregate with id {aggregate_id}")
        self.aggregate_id = aggregate_id


class ConcurrencyConflict(Exception):
    """Another command saved a new version of the aggregate first."""


class AlreadyProcessed(Exception):
    """The tracking position was recorded before: this message had its effect already."""


@dataclass(frozen=True)
class Notification:
    id: int
    event: Any  # the domain event, decrypted and upcast


class EventStore:
    def __init__(self, pool: asyncpg.Pool, mapper: Mapper):
        self.pool = pool
        self.mapper = mapper
        self.group_commit = GroupCommit(pool)

    async def setup(self) -> None:
        async with self.pool.acquire() as conn:
            await ensure_schema(conn)

    async def get(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """The aggregate rebuilt from its events, optionally as it was at `version`."""
        rows = await self.pool.fetch(
            "SELECT originator_version, topic, state FROM stored_events"
            " WHERE originator_id = $1 AND originator_version <= $2 ORDER BY originator_version",
            aggregate_id,
            version or 2**62,
        )
        events = [self._to_event(aggregate_id, row) for row in rows]
        aggregate = project_aggregate(None, events)
        if aggregate is None:
            raise AggregateNotFound(aggregate_id)
        return aggregate

    async def save(
        self,
        *aggregates: Aggregate,
        tracking: Position | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> list[int]:
        """Append every pending event of the aggregates, or none; return notification ids.

        `tracking` records a consumer's position in the same transaction; `conn` joins a
        transaction the caller has open (a consumer's, for example). Other saves go through
        the group commit."""
        pending = [event for aggregate in aggregates for event in aggregate.collect_events()]
        rows = [self._to_row(event) for event in pending]
        try:
            if conn is not None or tracking is not None:
                track = tracking.as_args() if tracking else NO_TRACKING
                async with _connection(self.pool, conn) as connection:
                    [ids] = await append_saves(connection, [rows], track)
            else:
                ids = await self.group_commit.append(rows)
        except asyncpg.PostgresError as error:
            if error.sqlstate == ALREADY_PROCESSED:
                raise AlreadyProcessed(str(tracking)) from error
            raise
        if ids is None:
            raise ConcurrencyConflict(f"aggregate {rows[0][0]} has a version {rows[0][1]} already")
        return ids

    async def notifications(self, after: int, limit: int) -> list[Notification]:
        """Events in commit order with notification id greater than `after`."""
        rows = await self.pool.fetch(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM stored_events WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
            after,
            limit,
        )
        return [Notification(r[0], self._to_event(r[1], r)) for r in rows]

    async def max_notification_id(self) -> int:
        return await self.pool.fetchval(
            "SELECT coalesce(max(notification_id), 0) FROM stored_events"
        )

    def _to_row(self, event: Any) -> tuple[UUID, int, str, bytes]:
        stored = self.mapper.to_stored_event(event)
        return (stored.originator_id, stored.originator_version, stored.topic, stored.state)

    def _to_event(self, originator_id: UUID, row: asyncpg.Record) -> Any:
        stored = StoredEvent(originator_id, row["originator_version"], row["topic"], row["state"])
        return self.mapper.to_domain_event(stored)


@asynccontextmanager
async def _connection(
    pool: asyncpg.Pool, conn: asyncpg.Connection | None
) -> AsyncIterator[asyncpg.Connection]:
    if conn is not None:
        yield conn
    else:
        async with pool.acquire() as acquired:
            yield acquired
