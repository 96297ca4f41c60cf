"""The event envelope: the contract of every message on Kafka (DESIGN.md)."""

import json
from datetime import UTC
from typing import Any
from uuid import UUID, uuid5

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts import contract_for

EVENT_ID_NAMESPACE = UUID("5b0b7a36-4f1e-4c39-9a43-64f7f1f0a1d3")


def event_id_of(originator_id: UUID, originator_version: int) -> UUID:
    """Stable across redelivery and republishing: derived from the event's place in the store."""
    return uuid5(EVENT_ID_NAMESPACE, f"{originator_id}:{originator_version}")


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    role: str = Field(min_length=1)


class Meta(BaseModel):
    """Who did what on whose behalf: passed into every domain event method as a plain dict."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor: Actor
    correlation_id: str
    causation_id: str | None = None
    case_id: UUID | None = None
    site_id: str | None = None

    def for_event(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: UUID
    type: str
    schema_version: int = Field(ge=1)
    case_id: UUID | None
    site_id: str | None
    originator_id: UUID
    originator_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    actor: Actor
    correlation_id: str
    causation_id: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, service: str, event: Any) -> "Envelope":
        """The public form of a domain event: only the fields its contract declares."""
        event_type = f"{service}.{type(event).__name__}"
        contract = contract_for(event_type)
        data = contract.model_validate(
            {name: getattr(event, name) for name in contract.model_fields}
        )
        meta = Meta.model_validate(event.meta)
        return cls(
            event_id=event_id_of(event.originator_id, event.originator_version),
            type=event_type,
            schema_version=contract.schema_version,
            case_id=meta.case_id,
            site_id=meta.site_id,
            originator_id=event.originator_id,
            originator_version=event.originator_version,
            occurred_at=event.timestamp.astimezone(UTC),
            actor=meta.actor,
            correlation_id=meta.correlation_id,
            causation_id=meta.causation_id,
            data=data.model_dump(mode="json"),
        )

    def kafka_key(self) -> bytes:
        """The case keeps its events in order; an event of no case (a template) its aggregate."""
        return str(self.case_id or self.originator_id).encode()

    def kafka_value(self) -> bytes:
        return self.model_dump_json().encode()

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return [
            ("event_id", str(self.event_id).encode()),
            ("type", self.type.encode()),
            ("correlation_id", self.correlation_id.encode()),
        ]

    @classmethod
    def from_kafka(cls, value: bytes | None) -> "Envelope":
        if value is None:
            raise ValueError("message has no value")
        return cls.model_validate_json(value)

    def canonical_json(self) -> bytes:
        """Sorted keys, no spaces: the bytes the audit ledger hashes."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
