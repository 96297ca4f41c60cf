"""Commands and queries of the intake service, over the shared event store."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from shared.envelope import Meta
from shared.eventstore import EventStore
from services.intake.domain import Case


@dataclass(frozen=True)
class ClientDetails:
    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    date_of_birth: date | None = None
    nhs_number: str | None = None


class IntakeApplication:
    def __init__(self, store: EventStore):
        self.store = store

    async def receive_referral(
        self,
        *,
        referral_source: str,
        referral_date: date,
        site_id: str,
        client: ClientDetails,
        meta: Meta,
    ) -> Case:
        case_id = uuid4()
        case = Case(
            id=case_id,
            referral_source=referral_source,
            referral_date=referral_date,
            site_id=site_id,
            client=_plain(client),
            meta=meta.model_copy(update={"case_id": case_id, "site_id": site_id}).for_event(),
        )
        await self.store.save(case)
        return case

    async def case(self, case_id: UUID) -> Case:
        return await self.store.get(case_id)


def _plain(client: ClientDetails) -> dict[str, Any]:
    return {k: v for k, v in vars(client).items() if v is not None}
