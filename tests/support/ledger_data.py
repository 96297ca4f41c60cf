"""Factories for the audit ledger's tests: envelopes as the relays publish them."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.consumer import Delivered
from shared.envelope import Actor, Envelope, event_id_of

_offsets = itertools.count()
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def envelope(
    event_type: str = "intake.ReferralReceived",
    *,
    case_id: uuid.UUID | None = None,
    version: int = 1,
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    actor: str = "staff-1",
    role: str = "intake_worker",
) -> Envelope:
    case_id = case_id or uuid.uuid4()
    return Envelope(
        event_id=event_id_of(case_id, version),
        type=event_type,
        schema_version=1,
        case_id=case_id,
        site_id="north",
        originator_id=case_id,
        originator_version=version,
        occurred_at=occurred_at or T0 + timedelta(minutes=version),
        actor=Actor(id=actor, role=role),
        correlation_id=str(uuid.uuid4()),
        causation_id=None,
        data={"referral_source": "gp", "referral_date": "2025-03-03"} if data is None else data,
    )


def delivered(
    envelopes: list[Envelope], topic: str = "intake.events", partition: int = 0
) -> list[Delivered]:
    return [Delivered(e, topic, partition, next(_offsets)) for e in envelopes]


def some_events(count: int) -> list[Delivered]:
    return delivered([envelope() for _ in range(count)])
