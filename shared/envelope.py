"""The event envelope: the contract of every message on Kafka (DESIGN.md)."""

import json
import re
from collections.abc import Callable
from datetime import UTC
from typing import Any, Self, TypeVar
from uuid import UUID, uuid5

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.contracts import contract_for

EVENT_ID_NAMESPACE = UUID("5b0b7a36-4f1e-4c39-9a43-64f7f1f0a1d3")
# C0 controls (NUL among them) and DEL: no id, code or digest holds one; PostgreSQL refuses
# NUL in text and jsonb, and logs and headers would carry the rest.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# An id at the edge (header, path, body): no control character (C0, C1), and none of the
# invisible ones that make two ids look alike or reorder text (zero-width, bidi controls).
ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f" + "\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff" + "]*$"


def event_id_of(service: str, originator_id: UUID, originator_version: int) -> UUID:
    """Stable across redelivery and republishing: derived from the event's place in its
    service's store. The service's name keeps two services' aggregates with one id (a case
    id, say) from sharing event ids."""
    return uuid5(EVENT_ID_NAMESPACE, f"{service}:{originator_id}:{originator_version}")


class ContractViolation(ValueError):
    """A domain event that its contract or the envelope refuses: it could never be published,
    so it is not saved. `field` is its place in the envelope, e.g. "data.therapist_id"."""

    def __init__(self, event_type: str, field: str, message: str):
        super().__init__(f"{event_type}: {field}: {message}")
        self.event_type = event_type
        self.field = field
        self.message = message


def contract_check(service: str) -> Callable[[Any], object]:
    """The event store's `validate` for a service: the event must make a valid envelope."""
    return lambda event: Envelope.of(service, event)


def control_character_at(value: Any, path: str = "") -> str | None:
    """The path of the first string in `value` (dicts and lists walked) holding a control
    character, or None."""
    if isinstance(value, str):
        return path if CONTROL_CHARACTERS.search(value) else None
    if not isinstance(value, dict | list | tuple):
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        found = control_character_at(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


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

    def caused_meta(
        self, case_id: UUID | None = None, site_id: str | None = None
    ) -> dict[str, Any]:
        """The metadata of an event a consumer records because of this one: the same actor
        and correlation, this event as its cause, of this event's case and site unless
        another is named."""
        return Meta(
            actor=self.actor, correlation_id=self.correlation_id, causation_id=str(self.event_id),
            case_id=case_id or self.case_id, site_id=site_id or self.site_id,
        ).for_event()  # fmt: skip

    @model_validator(mode="after")
    def _no_control_characters(self) -> Self:
        found = control_character_at(self.model_dump(mode="json"))
        if found:
            raise ValueError(f"{found} holds a control character")
        return self

    @classmethod
    def of(cls, service: str, event: Any) -> "Envelope":
        """The public form of a domain event: only the fields its contract declares.
        Raises ContractViolation naming the field that does not fit."""
        event_type = f"{service}.{type(event).__name__}"
        contract = contract_for(event_type)
        fields = {name: getattr(event, name) for name in contract.model_fields}
        found = control_character_at({"data": fields, "meta": event.meta})
        if found:
            raise ContractViolation(event_type, found, "holds a control character")
        data = _validated(event_type, "data", contract, fields)
        meta = _validated(event_type, "meta", Meta, event.meta)
        return cls(
            event_id=event_id_of(service, event.originator_id, event.originator_version),
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
        """The envelope of a message. A field this code does not know yet (a newer producer's)
        is ignored here, not refused: the audit ledger keeps the bytes whole."""
        if value is None:
            raise ValueError("message has no value")
        return cls.model_validate_json(value, extra="ignore")

    def canonical_json(self) -> bytes:
        """Sorted keys, no spaces: what the audit ledger hashed before it kept the bytes as
        they arrived; the entries it recorded then hold these."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()


M = TypeVar("M", bound=BaseModel)


def _validated(event_type: str, part: str, model: type[M], value: Any) -> M:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join([part, *(str(p) for p in first["loc"])])
        raise ContractViolation(event_type, field, first["msg"]) from None
