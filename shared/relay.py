"""The outbox relay (DESIGN.md rule 2): tails the event store's notifications in commit order,
publishes each as an envelope, and records the position only after the broker acknowledged."""

import asyncio

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared.envelope import Envelope
from shared.eventstore import EventStore, Notification
from shared.kafka import ensure_topics, reliable_producer, topic_of
from shared.schema import NOTIFY_CHANNEL

log = structlog.get_logger()


class OutboxRelay:
    def __init__(
        self,
        service: str,
        store: EventStore,
        bootstrap: str,
        batch_size: int = 1000,
        topic: str | None = None,
    ):
        self.service = service
        self.store = store
        self.bootstrap = bootstrap
        self.topic = topic or topic_of(service)
        self.batch_size = batch_size
        self._wakeup = asyncio.Event()

    async def run(self) -> None:
        """Publish forever; survives the broker going away and coming back."""
        await ensure_topics(self.bootstrap, [self.topic])
        wake = lambda *_: self._wakeup.set()  # noqa: E731
        async with self.store.pool.acquire() as listener:
            await listener.add_listener(NOTIFY_CHANNEL, wake)
            try:
                while True:
                    await self._publish_with_fresh_producer()
            finally:
                await listener.remove_listener(NOTIFY_CHANNEL, wake)

    async def _publish_with_fresh_producer(self) -> None:
        # A fresh producer after any error: aiokafka's idempotent producer can stay
        # stuck on a sequence error until restarted (aiokafka #1017).
        producer = reliable_producer(self.bootstrap)
        try:
            await producer.start()
            await self._publish_until_error(producer)
        except (KafkaError, OSError) as error:
            log.warning("relay.broker_unavailable", error=repr(error))
            await asyncio.sleep(1.0)
        finally:
            await producer.stop()

    async def _publish_until_error(self, producer: AIOKafkaProducer) -> None:
        while True:
            self._wakeup.clear()
            if not await self.run_once(producer):
                try:
                    await asyncio.wait_for(self._wakeup.wait(), timeout=1.0)
                except TimeoutError:
                    pass

    async def run_once(self, producer: AIOKafkaProducer) -> int:
        """Publish the next batch, then record its position; return how many were published."""
        position = await self.position()
        batch = await self.store.notifications(position, self.batch_size)
        if not batch:
            return 0
        await self.publish(producer, batch)
        await self.record(batch[-1].id)
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
        log.debug("relay.published", count=len(batch), last=batch[-1].id)

    async def position(self) -> int:
        value = await self.store.pool.fetchval(
            "SELECT notification_id FROM relay_position WHERE relay = $1", self.topic
        )
        return value or 0

    async def record(self, notification_id: int) -> None:
        await self.store.pool.execute(
            "INSERT INTO relay_position (relay, notification_id) VALUES ($1, $2)"
            " ON CONFLICT (relay) DO UPDATE SET notification_id = EXCLUDED.notification_id"
            " WHERE relay_position.notification_id < EXCLUDED.notification_id",
            self.topic,
            notification_id,
        )

    async def lag(self) -> int:
        """Events stored but not yet acknowledged by the broker."""
        return await self.store.max_notification_id() - await self.position()
