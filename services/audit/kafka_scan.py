"""Reads what is on Kafka, for reconciliation: end offsets, and the event id at each offset."""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.envelope import Envelope


@dataclass(frozen=True)
class Span:
    """Offsets [start, end) of one partition: `start` is the first offset Kafka still holds."""

    start: int
    end: int


class KafkaScan:
    """A group-less reader: it never commits and never disturbs the ledger's consumer group."""

    def __init__(self, bootstrap: str):
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
            auto_offset_reset="earliest", max_poll_records=2000,
        )  # fmt: skip

        self.admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)

    async def __aenter__(self) -> "KafkaScan":
        try:
            await self.admin.start()
            await self.consumer.start()
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.consumer.stop()
        await self.admin.close()

    async def spans(self, topics: Iterable[str]) -> dict[TopicPartition, Span]:
        """Every partition of the topics that exist, with the offsets Kafka holds."""
        described = await self.admin.describe_topics(list(topics))
        tps = [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described if topic["error_code"] == 0
            for partition in sorted(topic["partitions"], key=lambda p: p["partition"])
        ]  # fmt: skip
        if not tps:
            return {}
        self.consumer.assign(tps)
        starts = await self.consumer.beginning_offsets(tps)
        ends = await self.consumer.end_offsets(tps)
        return {tp: Span(starts[tp], ends[tp]) for tp in tps}

    async def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return await self.consumer.end_offsets(tps) if tps else {}

    async def event_ids(self, tp: TopicPartition, start: int, end: int) -> dict[int, UUID | None]:
        """offset -> event id of every message in [start, end); None for one that is not an
        envelope (the ledger's consumer sent it to the dead letters)."""
        found: dict[int, UUID | None] = {}
        if start >= end:
            return found
        self.consumer.seek(tp, start)
        quiet = 0
        while await self.consumer.position(tp) < end and quiet < 10:  # 10 s without data
            batch = await self.consumer.getmany(tp, timeout_ms=1000)
            quiet = 0 if batch.get(tp) else quiet + 1
            for record in batch.get(tp, []):
                if record.offset < end:
                    found[record.offset] = _event_id(record.value)
        return found


def _event_id(value: bytes | None) -> UUID | None:
    try:
        return Envelope.from_kafka(value).event_id
    except ValueError:
        return None
