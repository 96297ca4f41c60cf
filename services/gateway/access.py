"""Records each read of a case (and each break-glass read) as a gateway.CaseViewed event in
the gateway's own store; its outbox relay publishes it to gateway.events for the ledger.

A break-glass read is saved in one transaction with its row of the site manager's list
(readmodel.py), so the list is never behind the ledger. A plain read, nearly every one, is
one statement through the store's group commit: no transaction (three round trips) for a
list it is not on."""

import hashlib
from uuid import UUID, uuid4

from services.gateway import readmodel
from services.gateway.domain import CaseAccess
from shared.db import transaction
from shared.envelope import Actor, Meta
from shared.eventstore import EventStore
from shared.identity import Identity


class AccessLog:
    def __init__(self, store: EventStore):
        self.store = store

    async def viewed(self, who: Identity, case_id: UUID, site_id: str | None, view: str,
                     action: str, reason: str | None) -> UUID:  # fmt: skip
        access = _access(who, case_id, site_id, view, action, reason)
        await self._save([access])
        return access.id

    async def viewed_cases(self, who: Identity, shown: dict[UUID, str | None], view: str,
                           action: str) -> list[UUID]:  # fmt: skip
        """One event per case of a composed view (case id -> its site), saved together: all
        or none, in one transaction."""
        accesses = [_access(who, case, site, view, action, None) for case, site in shown.items()]
        if accesses:
            await self._save(accesses)
        return [access.id for access in accesses]

    async def _save(self, accesses: list[CaseAccess]) -> None:
        if not any(access.break_glass for access in accesses):
            await self.store.save(*accesses)
            return
        async with transaction(self.store.pool) as conn:
            await self.store.save(*accesses, conn=conn)
            await readmodel.list_break_glass(conn, accesses)


def _access(who: Identity, case_id: UUID, site_id: str | None, view: str, action: str,
            reason: str | None) -> CaseAccess:  # fmt: skip
    meta = Meta(actor=Actor(id=who.subject, role=who.role), correlation_id=who.correlation_id,
                case_id=case_id, site_id=site_id)  # fmt: skip
    digest = hashlib.sha256(reason.encode()).hexdigest() if reason else None
    return CaseAccess(
        id=uuid4(), case_id=case_id, site_id=site_id, subject=who.subject, view=view,
        action=action, role=who.role, break_glass=who.break_glass,
        reason=reason if who.break_glass else None,
        reason_sha256=digest if who.break_glass else None, meta=meta.for_event(),
    )  # fmt: skip
