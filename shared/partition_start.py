"""Where a consumer starts reading a partition it was assigned: Postgres, not Kafka's
committed offset, is the truth of what was processed."""

from typing import TYPE_CHECKING

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from shared.tracking import committed_offsets

if TYPE_CHECKING:
    from shared.consumer import Consumer

log = structlog.get_logger()


class StartWhereTracked(ConsumerRebalanceListener):
    """After its tracked position, or at the beginning when it has none (a rebuilt database
    must see every event, not start where Kafka's committed offset says). A tracked position
    past the partition's end means the broker lost messages Postgres says were processed (its
    storage wiped, the topic made again): the consumer stops, with an alarm, for a person."""

    def __init__(self, runner: "Consumer", consumer: AIOKafkaConsumer):
        self.runner = runner
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.runner.stalled.forget(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        if not assigned:
            return
        # aiokafka logs and ignores a listener's exception, and then reads from Kafka's
        # committed offset: so an outage here is waited out, never passed on.
        delay = 0.1
        while True:
            try:
                return await self._seek(list(assigned))
            except Exception as error:
                delay = await self.runner.back_off(error, delay)

    async def _seek(self, assigned: list[TopicPartition]) -> None:
        tracked = await committed_offsets(self.runner.pool, self.runner.name)
        starts = await self.consumer.beginning_offsets(assigned)
        ends = await self.consumer.end_offsets(assigned)
        lost = []
        for tp in assigned:
            position = tracked.get((tp.topic, tp.partition), starts[tp] - 1) + 1
            if position > ends[tp]:
                lost.append(f"{tp.topic}[{tp.partition}] tracked at {position}, ends at {ends[tp]}")
                log.error("consumer.position_past_end_of_partition", consumer=self.runner.name,
                          topic=tp.topic, partition=tp.partition, tracked=position,
                          end=ends[tp])  # fmt: skip
            self.consumer.seek(tp, min(position, ends[tp]))
        if lost:
            self.consumer.pause(*assigned)
            self.runner.set_state("stopped", "broker lost messages: " + "; ".join(lost))
        if not self.runner.stalled:  # after a wait for the database, if there was one
            self.runner.set_state("consuming")
