"""The async event store (DESIGN.md rule 1): eventsourcing aggregates and Mapper, asyncpg storage.

One table shaped like the library's. A save is one round trip: a database function that takes
a short exclusive table lock, so notification ids are assigned in commit order and a reader
tailing the table never skips an event, then inserts every event atomically.

Every event is checked against its contract before it is saved (the service's `validate`,
e.g. shared.envelope.contract_check): an event that could not be published fails its
command instead of blocking the outbox relay later. A consumer saves its effect with
`conn=`, inside the transaction where it recorded its position (shared/tracking.py).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from uuid import UUID

import asyncpg
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent

from shared.appends import GroupCommit, Projection, Save, append_saves
from shared.schema import ensure_schema

A = TypeVar("A", bound=Aggregate)
# Raises (shared.envelope.ContractViolation) for a domain event that may not be saved.
EventCheck = Callable[[Any], object]


class AggregateNotFound(LookupError):
    def __init__(self, aggregate_id: UUID):
        super().__init__(f"no aggregate with id {aggregate_id}")
        self.aggregate_id = aggregate_id


class ConcurrencyConflict(Exception):
    """Another command saved a new version of the aggregate first."""


@dataclass(frozen=True)
class Notification:
    id: int
    event: Any  # the domain event, decrypted and upcast


class EventStore:
    def __init__(
        self,
        pool: asyncpg.Pool,
        mapper: Mapper,
        projection: Projection | None = None,
        validate: EventCheck | None = None,
    ):
        """`projection` writes a service's read-model rows in the transaction of each save;
        `validate` refuses an event before it is saved."""
        self.pool = pool
        self.mapper = mapper
        self.projection = projection
        self.validate = validate
        self.group_commit = GroupCommit(pool, projection)

    async def setup(self) -> None:
        async with self.pool.acquire() as conn:
            await ensure_schema(conn)

    async def get(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """The aggregate rebuilt from its events, optionally as it was at `version`."""
        aggregate = _fold(await self.events(aggregate_id, version))
        if aggregate is None:
            raise AggregateNotFound(aggregate_id)
        return aggregate

    async def get_many(self, aggregate_ids: Sequence[UUID]) -> list[Any]:
        """The aggregates named, each once, in the order asked, from one read of all their
        events (a view over many cases asks for them at once); an id with none is left out."""
        wanted = list(dict.fromkeys(aggregate_ids))
        rows = await self.pool.fetch(
            "SELECT originator_id, originator_version, topic, state FROM stored_events"
            " WHERE originator_id = ANY($1::uuid[]) ORDER BY originator_id, originator_version",
            wanted,
        )
        events: dict[UUID, list[Any]] = {}
        for row in rows:
            events.setdefault(row["originator_id"], []).append(
                self._to_event(row["originator_id"], row)
            )
        return [_fold(events[i]) for i in wanted if i in events]

    async def events(self, aggregate_id: UUID, version: int | None = None) -> list[Any]:
        """The aggregate's domain events in order, decrypted and upcast, up to `version`."""
        rows = await self.pool.fetch(
            "SELECT originator_version, topic, state FROM stored_events"
            " WHERE originator_id = $1 AND originator_version <= $2 ORDER BY originator_version",
            aggregate_id,
            version or 2**62,
        )
        return [self._to_event(aggregate_id, row) for row in rows]

    async def save(
        self, *aggregates: Aggregate, conn: asyncpg.Connection | None = None
    ) -> list[int]:
        """Append every pending event of the aggregates, or none; return notification ids.

        `conn` joins a transaction the caller has open (a consumer's, for example). Other
        saves go through the group commit."""
        pending = [event for aggregate in aggregates for event in aggregate.collect_events()]
        if self.validate is not None:
            for event in pending:
                self.validate(event)
        save = Save([self._to_row(event) for event in pending], aggregates)
        if conn is not None:  # the caller's transaction
            [ids] = await append_saves(conn, [save], self.projection)
        else:
            ids = await self.group_commit.append(save)
        if ids is None:
            first = save.rows[0]
            raise ConcurrencyConflict(f"aggregate {first[0]} has a version {first[1]} already")
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
        # StoredEvent allows str ids too; this store's aggregates (and its uuid column) use UUIDs.
        originator_id = cast(UUID, stored.originator_id)
        return (originator_id, stored.originator_version, stored.topic, stored.state)

    def _to_event(self, originator_id: UUID, row: asyncpg.Record) -> Any:
        stored = StoredEvent(originator_id, row["originator_version"], row["topic"], row["state"])
        return self.mapper.to_domain_event(stored)


def _fold(events: list[Any]) -> Any:
    """The aggregate the events make, as eventsourcing's project_aggregate makes it, without
    its runtime Protocol check of every event (a third of the CPU of reading a few events)."""
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate
