"""What a consumer's handler is given: parsed messages with their place in Kafka."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg

from shared.envelope import Envelope


@dataclass(frozen=True)
class Delivered:
    """A parsed message with its place in Kafka (and the digest of its bytes)."""

    envelope: Envelope
    topic: str
    partition: int
    offset: int
    digest: bytes = field(default=b"", compare=False, repr=False)

    @property
    def event_id(self) -> UUID:
        return self.envelope.event_id


# Stores a batch in the transaction that tracks it; any result (such as a count) is ignored.
Handler = Callable[[asyncpg.Connection, list[Delivered]], Awaitable[object]]
