"""The consumer runner (DESIGN.md rules 3 and 4).

A consumer group reads batches per partition. The handler's effect, the partition's tracking
position and the ids of the events applied commit in one Postgres transaction, so neither a
redelivered offset nor a republished event has its effect twice. A partition starts where
Postgres says (shared/partition_start.py), never at Kafka's committed offset.

Only a message that is provably at fault goes to `<topic>.dlq` (shared/poison.py); any other
failure stops the partition where it is and retries with capped exponential backoff, state
"retrying" in health() and the metrics, until it passes: nothing is lost for an outage.
"""

import asyncio
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from shared import dead_letters
from shared import pipeline_metrics as metrics
from shared.delivered import Delivered, Handler
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from shared.logging import correlation
from shared.partition_start import StartWhereTracked
from shared.poison import describe, is_the_messages_fault, parse
from shared.processed import ensure_processed_schema, to_apply
from shared.stalls import FIRST_BACKOFF, Batch, Stalled, Stalls
from shared.tracking import Position, advance, committed_offsets

__all__ = ["Consumer", "Delivered", "Handler"]
log = structlog.get_logger()


class Consumer:
    def __init__(
        self,
        name: str,
        topics: list[str],
        bootstrap: str,
        pool: asyncpg.Pool,
        handle: Handler,
        batch_size: int = 500,
        max_backoff: float = 10.0,
    ):
        self.name, self.topics, self.bootstrap = name, topics, bootstrap
        self.pool, self.handle = pool, handle
        self.batch_size, self.max_backoff = batch_size, max_backoff
        self.processed = self.dead_letters = 0
        self.state, self.error, self.retry_in = "consuming", "", 0.0
        self.dead_letter_producer: AIOKafkaProducer | None = None  # made at the first letter
        self.stalled = Stalls()  # batches held by a fault that is not their messages'
        metrics.show_consumer_state(name, self.state)
        metrics.CONSUMER_DEAD_LETTERS.labels(name)  # shown as 0 before the first
        metrics.CONSUMER_RETRIES.labels(name)
        for topic in topics:
            for counter in (metrics.CONSUMER_PROCESSED, metrics.CONSUMER_DUPLICATES,
                            metrics.CONSUMER_REUSED_IDS):  # fmt: skip
                counter.labels(name, topic)

    def health(self) -> dict[str, Any]:
        """consuming, retrying (a fault that is not the message's: backing off) or stopped
        (needs a person: see the error)."""
        return {"ok": self.state == "consuming", "state": self.state, "error": self.error,
                "retry_in": self.retry_in, "processed": self.processed,
                "dead_letters": self.dead_letters}  # fmt: skip

    async def run(self) -> None:
        topics = self.topics + [dead_letter_topic(t) for t in self.topics]
        await ensure_topics(self.bootstrap, topics, unreachable=self._broker_unreachable)
        async with self.pool.acquire() as conn:
            await ensure_processed_schema(conn)
        # Made afresh on every run: a supervisor may restart this after a failure.
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.name, enable_auto_commit=False,
            auto_offset_reset="earliest", max_poll_records=self.batch_size,
        )  # fmt: skip
        failed: Exception | None = None
        try:
            await consumer.start()
            consumer.subscribe(self.topics, listener=StartWhereTracked(self, consumer))
            while self.state != "stopped":
                batches = await consumer.getmany(timeout_ms=200, max_records=self.batch_size)
                for tp, records in batches.items():
                    await self._attempt(consumer, Batch(tp, records))
                for batch in self.stalled.due():
                    await self._attempt(consumer, batch)
                raise_if_fetcher_ended(consumer)
        except Exception as error:  # the supervisor starts run() again
            failed = error
            raise
        finally:
            await consumer.stop()
            await self._drop_dead_letter_producer()
            if failed is not None:  # said after the stop: a rebalance listener still running
                self.set_state("retrying", failed)  # until then would say "consuming"
        await asyncio.Event().wait()  # stopped: so it stays until a person restarts it

    async def _attempt(self, consumer: AIOKafkaConsumer, batch: Batch) -> None:
        """Apply a batch; on a fault that is not the messages', hold its partition (the
        others go on) and try it again after a backoff."""
        if self.state == "stopped":
            return
        try:
            await self._process(batch)
        except Stalled as stall:
            consumer.pause(batch.tp)
            self._retrying(stall.error, batch.delay)
            self.stalled.hold(batch, self.max_backoff)
            return
        if self.stalled.release(batch.tp):
            consumer.resume(batch.tp)
        if not self.stalled:
            self.set_state("consuming")
        await _commit_to_kafka(consumer, batch.tp, batch.records[-1].offset + 1)

    async def _process(self, batch: Batch) -> None:
        items = []
        for record in batch.records:
            if record.offset in batch.lettered:
                continue
            try:
                envelope = parse(record.value)
            except ValueError as error:  # it does not parse, or breaks its contract
                if not await self._tracked_past(batch.tp, record.offset):
                    await self._dead_letter(batch, record, error)
                continue
            items.append(
                Delivered(envelope, record.topic, record.partition, record.offset, record.value)
            )
        await self._settle(batch, items, batch.records[-1].offset)

    async def _tracked_past(self, tp: TopicPartition, offset: int) -> bool:
        """Whether the tracked position has passed this offset: then its record was settled,
        dead letter and all, and is only fetched again (a rebalance in the middle of its
        batch seeks back to the position the batch had not yet moved)."""
        try:
            tracked = await committed_offsets(self.pool, self.name)
        except Exception as error:  # the database's fault, not the message's
            raise Stalled(error) from error
        return offset <= tracked.get((tp.topic, tp.partition), -1)

    async def _settle(self, batch: Batch, items: list[Delivered], last: int) -> None:
        """Apply `items` and move to offset `last`. A fault that is not the messages' stalls
        the batch; a batch the messages are at fault for is halved until the message that
        fails alone is found, and that one goes to the dead letters."""
        try:
            return await self._apply(batch.tp, items, last)
        except Exception as error:
            if not (items and is_the_messages_fault(error)):
                raise Stalled(error) from error
            fault = error
        if len(items) == 1:
            await self._dead_letter(batch, batch.record(items[0].offset), fault)
            return await self._settle(batch, [], last)
        half = len(items) // 2
        await self._settle(batch, items[:half], items[half - 1].offset)
        await self._settle(batch, items[half:], last)

    async def _apply(self, tp: TopicPartition, items: list[Delivered], last: int) -> None:
        """The handler's effect, the new position and the event ids, in one transaction."""
        async with self.pool.acquire() as conn, conn.transaction():
            done = await advance(conn, Position(self.name, tp.topic, tp.partition, last))
            fresh = [item for item in items if done is not None and item.offset > done]
            todo, reused = await to_apply(conn, self.name, fresh) if fresh else ([], [])
            if todo:
                with correlation(todo[0].envelope.correlation_id):
                    await self.handle(conn, todo)
        self._count(tp.topic, len(fresh), len(fresh) - len(todo), reused)

    def _count(self, topic: str, fresh: int, repeats: int, reused: list[Delivered]) -> None:
        self.processed += fresh
        metrics.CONSUMER_PROCESSED.labels(self.name, topic).inc(fresh)
        metrics.CONSUMER_DUPLICATES.labels(self.name, topic).inc(repeats)
        for item in reused:  # a bug upstream, or a collision: a person must look
            metrics.CONSUMER_REUSED_IDS.labels(self.name, topic).inc()
            log.error("consumer.event_id_reused_with_other_content", consumer=self.name,
                      event_id=str(item.event_id), topic=topic, offset=item.offset)  # fmt: skip

    async def back_off(self, error: BaseException, delay: float) -> float:
        """Say so, wait, and return the next wait (doubled, capped): for what holds up every
        partition (the database at assignment, the broker for a dead letter)."""
        self._retrying(error, delay)
        await asyncio.sleep(delay)
        return min(delay * 2, self.max_backoff)

    def _retrying(self, error: BaseException, delay: float) -> None:
        self.set_state("retrying", error, retry_in=delay)
        metrics.CONSUMER_RETRIES.labels(self.name).inc()
        unexpected = not isinstance(error, asyncpg.PostgresError | OSError | KafkaError)
        log.warning("consumer.retrying", consumer=self.name, error=describe(error),
                    retry_in=delay, exc_info=error if unexpected else None)  # fmt: skip

    async def _dead_letter(
        self, batch: Batch, record: ConsumerRecord, error: BaseException
    ) -> None:
        delay = FIRST_BACKOFF
        while True:
            try:
                if self.dead_letter_producer is None:
                    self.dead_letter_producer = reliable_producer(self.bootstrap)
                    await self.dead_letter_producer.start()
                await dead_letters.send(self.dead_letter_producer, record, self.name, error)
                break
            except KafkaError as failure:  # the broker's fault, not the message's
                await self._drop_dead_letter_producer()  # it can stay stuck: aiokafka #1017
                delay = await self.back_off(failure, delay)
        batch.lettered.add(record.offset)  # a retry of the batch must not send it again
        self.dead_letters += 1
        metrics.CONSUMER_DEAD_LETTERS.labels(self.name).inc()
        log.error("consumer.dead_lettered", consumer=self.name, topic=record.topic,
                  partition=record.partition, offset=record.offset,
                  error=describe(error))  # fmt: skip

    def _broker_unreachable(self, error: BaseException) -> None:
        self.set_state("retrying", error)  # until its partitions are assigned

    async def _drop_dead_letter_producer(self) -> None:
        producer, self.dead_letter_producer = self.dead_letter_producer, None
        if producer is not None:
            await producer.stop()

    def set_state(self, state: str, error: BaseException | str = "", retry_in: float = 0) -> None:
        if self.state == "stopped" or state == self.state == "consuming":
            return  # a person starts a stopped consumer again; nothing new to show
        self.state, self.retry_in = state, retry_in
        self.error = describe(error) if isinstance(error, BaseException) else error
        metrics.show_consumer_state(self.name, state)


async def _commit_to_kafka(consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
    # Only a hint for tools that show group lag: the position that counts is in Postgres.
    try:
        await consumer.commit({tp: offset})
    except KafkaError as error:
        log.info("consumer.kafka_commit_skipped", error=repr(error))


def raise_if_fetcher_ended(consumer: AIOKafkaConsumer) -> None:
    """aiokafka's background fetch task can end (an error writing to a broker's dropped
    connection, aiokafka #983) and getmany then answers nothing, for ever: a consumer went
    four minutes without a message after a Kafka outage. Raised, the supervisor starts the
    consumer afresh."""
    fetching = consumer._fetcher.error_future  # the task; aiokafka itself never looks at it
    if fetching.done():
        cause = None if fetching.cancelled() else fetching.exception()
        raise KafkaError("aiokafka's fetcher stopped; starting the consumer again") from cause
