"""What a consumer's handler is given: parsed messages with their place in Kafka."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg

from shared.envelope import Envelope
from shared.processed import digest_of


@dataclass(frozen=True)
class Delivered:
    """A parsed message with its place in Kafka and the bytes of its value as they arrived
    (the audit ledger keeps and hashes those, not a re-serialisation of the envelope).

    Made without `value` (a test, a benchmark), it holds the bytes a relay publishes."""

    envelope: Envelope
    topic: str
    partition: int
    offset: int
    value: bytes = field(default=b"", repr=False)
    digest: bytes = field(default=b"", init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.value:
            object.__setattr__(self, "value", self.envelope.kafka_value())
        object.__setattr__(self, "digest", digest_of(self.value))

    @property
    def event_id(self) -> UUID:
        return self.envelope.event_id


# Stores a batch in the transaction that tracks it; any result (such as a count) is ignored.
Handler = Callable[[asyncpg.Connection, list[Delivered]], Awaitable[object]]
