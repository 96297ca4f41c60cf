"""An in-memory stand-in for the intake application's persistence, for unit tests only: the
real commands and domain, with aggregates rebuilt from their events on every get and a save
that refuses a version already stored, as the event store does."""

from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate

from services.intake.application import IntakeApplication
from shared.eventstore import AggregateNotFound, ConcurrencyConflict


class InMemoryIntake(IntakeApplication):
    def __init__(self) -> None:
        super().__init__(store=None)  # type: ignore[arg-type]
        self.events: dict[UUID, list[Any]] = {}

    async def _get(self, kind: type[Aggregate], aggregate_id: UUID) -> Any:
        aggregate = project_aggregate(None, self.events.get(aggregate_id, []))
        if not isinstance(aggregate, kind):
            raise AggregateNotFound(aggregate_id)
        return aggregate

    async def _events_of(self, aggregate_id: UUID) -> list[Any]:
        return list(self.events.get(aggregate_id, []))

    async def _save(self, *aggregates: Aggregate) -> None:
        pending = [(a.id, a.collect_events()) for a in aggregates]
        for aggregate_id, events in pending:
            if len(self.events.get(aggregate_id, [])) != events[0].originator_version - 1:
                raise ConcurrencyConflict(f"aggregate {aggregate_id} changed meanwhile")
        for aggregate_id, events in pending:
            self.events.setdefault(aggregate_id, []).extend(events)
