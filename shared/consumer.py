"""The consumer runner (DESIGN.md rules 3 and 4).

A consumer group reads batches per partition. The handler's effect and the partition's
tracking position commit in one Postgres transaction, so a redelivered message changes
nothing; on assignment the consumer seeks to the position Postgres holds. A message that
does not parse, or whose handling keeps failing, goes to `<topic>.dlq` with the error in
headers and the consumer moves on. A database or network outage is not the message's
fault: that is retried until it passes, and nothing goes to the dead letters for it.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from shared.envelope import Envelope
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from shared.logging import correlation
from shared.tracking import Position, advance, committed_offsets

log = structlog.get_logger()


@dataclass(frozen=True)
class Delivered:
    """A parsed message with its place in Kafka."""

    envelope: Envelope
    topic: str
    partition: int
    offset: int


# Stores a batch in the transaction that tracks it; any result (such as a count) is ignored.
Handler = Callable[[asyncpg.Connection, list[Delivered]], Awaitable[object]]
# SQLSTATE classes of faults in the database, not in the message: connection, transaction
# rollback (serialisation, deadlock), insufficient resources (disk full), operator
# intervention (shutdown), system error. These are retried until they pass.
TRANSIENT_SQLSTATE_CLASSES = {"08", "40", "53", "57", "58"}


def is_transient(error: BaseException) -> bool:
    if isinstance(error, OSError | asyncpg.InterfaceError | TimeoutError):
        return True
    sqlstate = getattr(error, "sqlstate", None) or ""
    return isinstance(error, asyncpg.PostgresError) and sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES


class Consumer:
    def __init__(
        self,
        name: str,
        topics: list[str],
        bootstrap: str,
        pool: asyncpg.Pool,
        handle: Handler,
        batch_size: int = 500,
        max_attempts: int = 3,
    ):
        self.name = name
        self.topics = topics
        self.bootstrap = bootstrap
        self.pool = pool
        self.handle = handle
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.dead_letters = 0
        self.processed = 0
        self._last_error: BaseException | None = None
        self.dead_letter_producer: AIOKafkaProducer  # made by run()

    async def run(self) -> None:
        await ensure_topics(
            self.bootstrap, self.topics + [dead_letter_topic(t) for t in self.topics]
        )
        # Made afresh on every run: a supervisor may restart this after a failure.
        self.dead_letter_producer = reliable_producer(self.bootstrap)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.batch_size,
        )
        try:
            await self.dead_letter_producer.start()
            await consumer.start()
            consumer.subscribe(self.topics, listener=_SeekToTracked(self, consumer))
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=self.batch_size)
                for partition, records in batches.items():
                    await self._process(partition, records)
                    await _commit_to_kafka(consumer, partition, records[-1].offset + 1)
        finally:
            await consumer.stop()
            await self.dead_letter_producer.stop()

    async def _process(self, partition: TopicPartition, records: list[ConsumerRecord]) -> None:
        parsed: list[tuple[ConsumerRecord, Delivered]] = []
        for record in records:
            try:
                envelope = Envelope.from_kafka(record.value)
            except ValueError as error:
                await self._dead_letter(record, error)
                continue
            parsed.append(
                (record, Delivered(envelope, record.topic, record.partition, record.offset))
            )
        last = records[-1].offset
        if await self._apply_with_retries(partition, [item for _, item in parsed], last):
            return
        # The batch keeps failing: find the message at fault, one at a time.
        for record, item in parsed:
            if not await self._apply_with_retries(partition, [item], item.offset):
                await self._dead_letter(record, self._last_error or RuntimeError("unknown"))
        await self._apply_forever(partition, [], last)

    async def _apply_with_retries(
        self, tp: TopicPartition, items: list[Delivered], last: int
    ) -> bool:
        for attempt in range(1, self.max_attempts + 1):
            try:
                await self._apply_forever(tp, items, last)
                return True
            except Exception as error:  # the handler's failure: the message may be at fault
                self._last_error = error
                log.warning("consumer.handler_failed", attempt=attempt, error=repr(error))
                await asyncio.sleep(0.05 * attempt)
        return False

    async def _apply_forever(self, tp: TopicPartition, items: list[Delivered], last: int) -> None:
        delay = 0.2
        while True:
            try:
                return await self._apply(tp, items, last)
            except Exception as error:
                if not is_transient(error):
                    raise
                log.warning(
                    "consumer.infrastructure_unavailable", error=repr(error), retry_in=delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _apply(self, tp: TopicPartition, items: list[Delivered], last: int) -> None:
        """The handler's effect and the new position, in one transaction; skip what was done."""
        position = Position(self.name, tp.topic, tp.partition, last)
        async with self.pool.acquire() as conn, conn.transaction():
            done = await advance(conn, position)
            if done is None:
                return
            fresh = [item for item in items if item.offset > done]
            if fresh:
                with correlation(fresh[0].envelope.correlation_id):
                    await self.handle(conn, fresh)
        self.processed += len(fresh)

    async def _dead_letter(self, record: ConsumerRecord, error: BaseException) -> None:
        headers = [
            *(record.headers or []),
            ("dlq.error", repr(error)[:2000].encode()),
            ("dlq.consumer", self.name.encode()),
            ("dlq.source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        await self.dead_letter_producer.send_and_wait(
            dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
        )
        self.dead_letters += 1
        log.error(
            "consumer.dead_lettered", topic=record.topic, offset=record.offset, error=repr(error)
        )


async def _commit_to_kafka(consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
    # Only a hint for tools that show group lag: the position that counts is in Postgres.
    try:
        await consumer.commit({tp: offset})
    except KafkaError as error:
        log.info("consumer.kafka_commit_skipped", error=repr(error))


class _SeekToTracked(ConsumerRebalanceListener):
    """Postgres, not Kafka's committed offset, is the truth of what was processed."""

    def __init__(self, runner: Consumer, consumer: AIOKafkaConsumer):
        self.runner = runner
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        pass

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        tracked = await committed_offsets(self.runner.pool, self.runner.name)
        ends = await self.consumer.end_offsets(list(assigned)) if assigned else {}
        for tp in assigned:
            if (tp.topic, tp.partition) not in tracked:
                continue
            position = tracked[(tp.topic, tp.partition)] + 1
            if position > ends[tp]:
                # Kafka lost messages Postgres says were processed: a broker whose storage was
                # wiped, or a topic deleted and made again. Nothing is skipped silently.
                log.error("consumer.position_past_end_of_partition", topic=tp.topic,
                          partition=tp.partition, tracked=position, end=ends[tp])  # fmt: skip
            self.consumer.seek(tp, position)
