"""The outbox relay (DESIGN.md rule 2): tails the event store's notifications in commit order,
publishes each as an envelope, and records the position only after the broker acknowledged.

One relay per service publishes, however many instances run (two at once, or across a
rolling deploy): it holds a session-level PostgreSQL advisory lock, on a connection of its
own, for as long as it publishes, and reads and records its position on that connection, so
it cannot go on publishing once the lock is gone. The others stand by, trying the lock every
`standby_poll` seconds; when the holder dies its connection closes, PostgreSQL releases the
lock, and one of them takes over within seconds. A republished event (a holder that died
after the broker's acknowledgement and before recording its position) is skipped by every
consumer by its event id (shared/processed.py).
"""

import asyncio
from contextlib import suppress
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared import pipeline_metrics as metrics
from shared.db import discard
from shared.envelope import Envelope
from shared.eventstore import EventStore, Notification
from shared.kafka import ensure_topics, reliable_producer, topic_of
from shared.schema import NOTIFY_CHANNEL

log = structlog.get_logger()
TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))"
KEEPALIVES = (
    "SET tcp_keepalives_idle = 4; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3"
)


class OutboxRelay:
    def __init__(
        self,
        service: str,
        store: EventStore,
        bootstrap: str,
        batch_size: int = 1000,
        topic: str | None = None,
        standby_poll: float = 1.0,
        linger: float = 0.02,
    ):
        self.service, self.store, self.bootstrap = service, store, bootstrap
        self.topic = topic or topic_of(service)
        self.lock_name = f"rapport.relay:{self.topic}"  # one lock per topic per database
        self.batch_size, self.standby_poll, self.linger = batch_size, standby_poll, linger
        self.state, self.error, self.published = "standby", "", 0
        self.last_lag: int | None = None  # as of the last batch or scrape
        self._holder: asyncpg.Connection | None = None  # holds the lock while publishing
        self._wakeup = asyncio.Event()
        self._show("standby")

    def health(self) -> dict[str, Any]:
        """publishing, standby (another instance holds the relay lock) or broker_unreachable
        (commands still succeed: the outbox keeps the events; see lag)."""
        return {"ok": self.state != "broker_unreachable", "state": self.state,
                "lag": self.last_lag, "published": self.published, "error": self.error}  # fmt: skip

    async def refresh_metrics(self) -> None:
        """The scrape callback (shared/service.py runs it before /metrics renders): sets
        rapport_relay_lag_events and rapport_relay_position for this topic from the store now,
        on a pooled connection, and keeps the lag for health()."""
        position = await self.position()
        self.last_lag = await self.store.max_notification_id() - position
        metrics.RELAY_LAG.labels(self.topic).set(self.last_lag)
        metrics.RELAY_POSITION.labels(self.topic).set(position)

    async def run(self) -> None:
        """Stand by until this instance holds the relay lock, then publish for as long as it
        lives; survives the broker going away and coming back. Ends with an error when the
        lock's connection is lost (the supervisor starts it again, as a standby)."""
        wake = lambda *_: self._wakeup.set()  # noqa: E731
        async with self.store.pool.acquire() as conn:
            try:
                await self._take_lock(conn)
                await ensure_topics(self.bootstrap, [self.topic], unreachable=self._unreachable)
                await conn.add_listener(NOTIFY_CHANNEL, wake)
                while True:
                    await self._publish_with_fresh_producer()
            finally:
                # The lock and the listener go with the connection: closed, not returned to
                # the pool, whose connections keep no session state (shared/runtime.py).
                self._holder = None
                self._show("standby")
                discard(conn)

    async def _take_lock(self, conn: asyncpg.Connection) -> None:
        # A holder whose machine died holds the lock until PostgreSQL notices its connection
        # is gone: TCP keepalives make that about 10 s, not the system's default two hours.
        await conn.execute(KEEPALIVES)
        while not await conn.fetchval(TRY_LOCK, self.lock_name):
            self._show("standby")
            await asyncio.sleep(self.standby_poll)
        self._holder = conn
        self._show("publishing")
        log.info("relay.lock_taken", topic=self.topic)

    async def _publish_with_fresh_producer(self) -> None:
        # A fresh producer after any error: aiokafka's idempotent producer can stay
        # stuck on a sequence error until restarted (aiokafka #1017).
        producer = reliable_producer(self.bootstrap)
        try:
            await producer.start()
            await self._publish_until_error(producer)
        except (KafkaError, OSError) as error:
            self._show("broker_unreachable", error)
            log.warning("relay.broker_unavailable", error=repr(error))
            await asyncio.sleep(1.0)
        finally:
            await producer.stop()

    async def _publish_until_error(self, producer: AIOKafkaProducer) -> None:
        while True:
            self._wakeup.clear()
            if await self.run_once(producer) < self.batch_size:
                # asyncio.timeout, not wait_for: on Python 3.11, wait_for loses a cancellation
                # that arrives as the wake-up does, and the relay never stops.
                with suppress(TimeoutError):
                    async with asyncio.timeout(1.0):
                        await self._wakeup.wait()
                # Like Kafka's linger.ms: the commits of the next moment go in the same batch,
                # so a trickle of events costs one round to the database, the broker and the
                # ledger per batch, not per event (a read's access event, say).
                await asyncio.sleep(self.linger)

    async def run_once(self, producer: AIOKafkaProducer) -> int:
        """Publish the next batch, then record its position; return how many were published."""
        db = self._holder or self.store.pool  # the lock's connection: dead once it is lost
        position = await self._position(db)
        batch = await self.store.notifications(position, self.batch_size)
        if batch:
            await self.publish(producer, batch)
            await self.record(batch[-1].id)
        if self._holder and self.state != "publishing":
            self._show("publishing")  # the broker is back
        full = len(batch) == self.batch_size  # else it read to the end just now
        self.last_lag = await self.store.max_notification_id() - batch[-1].id if full else 0
        return len(batch)

    async def publish(self, producer: AIOKafkaProducer, batch: list[Notification]) -> None:
        """Send in notification order and wait until the broker acknowledged every message."""
        acknowledgements = []
        for notification in batch:
            envelope = Envelope.of(self.service, notification.event)
            acknowledgements.append(
                await producer.send(
                    self.topic,
                    value=envelope.kafka_value(),
                    key=envelope.kafka_key(),
                    headers=envelope.kafka_headers(),
                )
            )
        await asyncio.gather(*acknowledgements)
        self.published += len(batch)
        metrics.RELAY_PUBLISHED.labels(self.topic).inc(len(batch))
        log.debug("relay.published", count=len(batch), last=batch[-1].id)

    async def position(self) -> int:
        return await self._position(self.store.pool)

    async def _position(self, db: asyncpg.Pool | asyncpg.Connection) -> int:
        value = await db.fetchval(
            "SELECT notification_id FROM relay_position WHERE relay = $1", self.topic
        )
        return value or 0

    async def record(self, notification_id: int) -> None:
        await self._record(self._holder or self.store.pool, notification_id)

    async def _record(self, db: asyncpg.Pool | asyncpg.Connection, notification_id: int) -> None:
        await db.execute(
            "INSERT INTO relay_position (relay, notification_id) VALUES ($1, $2)"
            " ON CONFLICT (relay) DO UPDATE SET notification_id = EXCLUDED.notification_id"
            " WHERE relay_position.notification_id < EXCLUDED.notification_id",
            self.topic,
            notification_id,
        )

    async def lag(self) -> int:
        """Events stored but not yet acknowledged by the broker."""
        return await self.store.max_notification_id() - await self.position()

    def _unreachable(self, error: BaseException) -> None:
        self._show("broker_unreachable", error)

    def _show(self, state: str, error: BaseException | None = None) -> None:
        self.state, self.error = state, repr(error) if error else ""
        metrics.show_relay_state(self.topic, state)
