"""Records each read of a case (and each break-glass read) as a gateway.CaseViewed event in
the gateway's own store; its outbox relay publishes it to gateway.events for the ledger."""

import hashlib
from uuid import UUID, uuid4

from services.gateway.domain import CaseAccess
from shared.envelope import Actor, Meta
from shared.eventstore import EventStore
from shared.identity import Identity


class AccessLog:
    def __init__(self, store: EventStore):
        self.store = store

    async def viewed(self, who: Identity, case_id: UUID, site_id: str | None, view: str,
                     action: str, reason: str | None) -> UUID:  # fmt: skip
        meta = Meta(actor=Actor(id=who.subject, role=who.role), correlation_id=who.correlation_id,
                    case_id=case_id, site_id=site_id)  # fmt: skip
        digest = hashlib.sha256(reason.encode()).hexdigest() if reason else None
        access = CaseAccess(
            id=uuid4(), case_id=case_id, site_id=site_id, subject=who.subject, view=view,
            action=action, role=who.role, break_glass=who.break_glass,
            reason=reason if who.break_glass else None,
            reason_sha256=digest if who.break_glass else None, meta=meta.for_event(),
        )  # fmt: skip
        await self.store.save(access)
        return access.id
