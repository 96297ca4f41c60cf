"""What every intake command needs: typed gets, saves that keep the case index current,
event metadata.

A save appends the events through the store's group commit, which writes the case's row of
the case index (readmodel.project) in the same transaction, so a staff app reads its writes.
Concurrent commands on one case: the first save wins, the other raises ConcurrencyConflict
and changes nothing.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.intake import idempotency
from services.intake.digests import KeyedDigests
from services.intake.search import SearchIndex
from shared.envelope import Meta
from shared.eventstore import AggregateNotFound, EventStore

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class ClientDetails:
    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    date_of_birth: date | None = None
    nhs_number: str | None = None

    def plain(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


async def get_typed(store: EventStore, kind: type[A], aggregate_id: UUID) -> A:
    """The aggregate, if it is a `kind`: a case id is not an enquiry's, and so on."""
    aggregate = await store.get(aggregate_id)
    if not isinstance(aggregate, kind):
        raise AggregateNotFound(aggregate_id)
    return aggregate


class Commands:
    def __init__(
        self,
        store: EventStore,
        digests: KeyedDigests | None = None,
        search: SearchIndex | None = None,
    ):
        self.store = store
        # Keyed digests of short free text (reasons) for Kafka; a key of this process if none.
        self.digests = digests or KeyedDigests.from_base64(None)
        self.search = search  # the blind index, for the duplicate check (None: no database)

    async def _get(self, kind: type[A], aggregate_id: UUID) -> A:
        return await get_typed(self.store, kind, aggregate_id)

    async def _events_of(self, aggregate_id: UUID) -> list[Any]:
        return await self.store.events(aggregate_id)

    async def _save(self, *aggregates: Aggregate) -> None:
        idempotency.tag(aggregates)  # a retried request's key, saved with its events
        await self.store.save(*aggregates)

    @staticmethod
    def _meta(meta: Meta, case_id: UUID | None, site_id: str | None) -> dict[str, Any]:
        return meta.model_copy(update={"case_id": case_id, "site_id": site_id}).for_event()
