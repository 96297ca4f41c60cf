"""Checkpoints leave the database: every signed checkpoint, as its C2SP signed note, goes to a
Kafka topic of its own that keeps everything (cleanup.policy=delete with retention.ms and
retention.bytes -1: nothing is ever deleted or compacted away). A verifier can read the
history there, and the checkpointer reads its newest entry at start to know what it signed
before, whatever the database now says.
"""

import asyncio
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.audit.verifier import ORIGIN, open_note
from shared.kafka import TopicPolicy, reliable_producer

log = structlog.get_logger()
TOPIC = "audit.checkpoints"  # for the `audit` database (AuditSettings.checkpoint_history_topic)
KEEP_FOREVER = {"cleanup.policy": "delete", "retention.ms": "-1", "retention.bytes": "-1"}


@dataclass(frozen=True)
class Published:
    """What the newest published note says: checkpoint id, tree size, root hash."""

    id: int
    tree_size: int
    root_hash: bytes


class CheckpointLog:
    def __init__(self, bootstrap: str, policy: TopicPolicy, topic: str = TOPIC) -> None:
        self.bootstrap, self.policy, self.topic = bootstrap, policy, topic
        self._producer = reliable_producer(bootstrap)
        self._started = False

    async def start(self) -> None:
        if self._started:
            return
        await self._ensure_topic()
        await self._producer.start()
        self._started = True

    async def stop(self) -> None:
        if self._started:
            await self._producer.stop()

    async def publish(self, checkpoint_id: int, note: str) -> None:
        await self.start()
        await self._producer.send_and_wait(
            self.topic, note.encode(), key=str(checkpoint_id).encode()
        )

    async def newest(self, public_key: bytes) -> Published | None:
        """The newest published checkpoint; a note our key did not sign is an error."""
        await self.start()
        note = await self._last_message()
        if note is None:
            return None
        text = open_note(note, ORIGIN, public_key)
        if text is None:
            raise ValueError(f"the newest note on {self.topic} is not signed by this ledger's key")
        return parse_note(text)

    async def _last_message(self) -> str | None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            part = TopicPartition(self.topic, 0)
            consumer.assign([part])
            end = (await consumer.end_offsets([part]))[part]
            if end == 0:
                return None
            consumer.seek(part, end - 1)
            message = await asyncio.wait_for(consumer.getone(), timeout=15)
            return message.value.decode()
        finally:
            await consumer.stop()

    async def _ensure_topic(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            if self.topic in await admin.list_topics():
                return
            topic = self.policy.new_topic(self.topic, partitions=1)  # one order of history
            topic.topic_configs.update(KEEP_FOREVER)
            await admin.create_topics([topic])
            log.info("checkpoint_log.created", topic=self.topic, **KEEP_FOREVER)
        finally:
            await admin.close()


def parse_note(text: str) -> Published:
    """origin, size, base64 root, then our extension line `checkpoint <id> <issued_at>`."""
    import base64

    lines = text.splitlines()
    extension = next(line for line in lines[3:] if line.startswith("checkpoint "))
    return Published(int(extension.split()[1]), int(lines[1]), base64.b64decode(lines[2]))
