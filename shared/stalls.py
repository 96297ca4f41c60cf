"""Partitions a consumer holds after a fault that is not their messages' (a read-only
database, a lock timeout, a bug): each keeps its batch and tries it again after a capped
exponential backoff, while the other partitions go on."""

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

FIRST_BACKOFF = 0.1


class Stalled(Exception):
    """Raised inside the consumer to hold a batch: `error` was not the messages' fault."""

    def __init__(self, error: BaseException):
        super().__init__(repr(error))
        self.error = error


@dataclass
class Batch:
    """A partition's records being applied, and those already dead-lettered, so that a
    retry after a stall does not send them again."""

    tp: TopicPartition
    records: list[ConsumerRecord]
    lettered: set[int] = field(default_factory=set)
    delay: float = FIRST_BACKOFF  # before the next try, once held
    due: float = 0.0

    def record(self, offset: int) -> ConsumerRecord:
        return next(r for r in self.records if r.offset == offset)


class Stalls:
    def __init__(self) -> None:
        self._held: dict[TopicPartition, Batch] = {}

    def __bool__(self) -> bool:
        return bool(self._held)

    def hold(self, batch: Batch, max_backoff: float) -> None:
        """Hold the batch until its backoff has passed; each hold doubles the next one."""
        batch.due = time.monotonic() + batch.delay
        self._held[batch.tp] = batch
        batch.delay = min(batch.delay * 2, max_backoff)

    def due(self) -> Iterator[Batch]:
        now = time.monotonic()
        for batch in [b for b in self._held.values() if b.due <= now]:
            if self._held.get(batch.tp) is batch:  # not revoked meanwhile
                yield batch

    def release(self, tp: TopicPartition) -> bool:
        return self._held.pop(tp, None) is not None

    def forget(self, partitions: set[TopicPartition]) -> None:
        """Partitions revoked in a rebalance: their new owner starts from Postgres."""
        for tp in partitions:
            self._held.pop(tp, None)
