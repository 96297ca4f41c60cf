"""Intake and scheduling wired both ways over the real Kafka, each on a fresh schema of its
own database and on topics of its own: intake's relay -> scheduling's consumer, and
scheduling's relay -> intake's consumer, as the two services run them."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import uuid4

from services.intake import readmodel as intake_index
from services.intake.application import IntakeApplication
from services.intake.policies import SchedulingPolicies
from services.scheduling import readmodel
from services.scheduling.commands import SchedulingApplication
from services.scheduling.policies import IntakePolicies
from shared.consumer import Consumer
from shared.envelope import contract_check
from shared.eventstore import EventStore
from shared.mapping import build_mapper, new_cipher_key
from shared.relay import OutboxRelay
from tests.conftest import KAFKA, fresh_schema_pool, unique_topic


@dataclass
class Clock:
    now: datetime = datetime(2026, 1, 5, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Pipeline:
    intake: IntakeApplication
    scheduling: SchedulingApplication
    clock: Clock
    tasks: list[asyncio.Task] = field(default_factory=list)
    scheduling_topic: str = ""  # what scheduling's relay publishes to and intake reads

    async def until(self, done: Callable[[], Awaitable[bool]], seconds: float = 45) -> None:
        async with asyncio.timeout(seconds):
            while not await done():
                for task in self.tasks:
                    if task.done():
                        task.result()
                await asyncio.sleep(0.1)


@asynccontextmanager
async def pipeline() -> AsyncIterator[Pipeline]:
    async with fresh_schema_pool("intake") as ipool, fresh_schema_pool("scheduling") as spool:
        async with ipool.acquire() as conn:
            await intake_index.ensure_schema(conn)
        async with spool.acquire() as conn:
            await readmodel.ensure_schema(conn)
        istore = EventStore(
            ipool, build_mapper(new_cipher_key()), intake_index.project, contract_check("intake")
        )
        sstore = EventStore(
            spool, build_mapper(None), readmodel.project, contract_check("scheduling")
        )
        clock = Clock()
        intake_topic, scheduling_topic = unique_topic("intake"), unique_topic("scheduling")
        work = [
            OutboxRelay("intake", istore, KAFKA, topic=intake_topic).run,
            Consumer(
                f"s-{uuid4().hex[:8]}",
                [intake_topic],
                KAFKA,
                spool,
                IntakePolicies(sstore, clock).handle,
            ).run,
            OutboxRelay("scheduling", sstore, KAFKA, topic=scheduling_topic).run,
            Consumer(
                f"i-{uuid4().hex[:8]}",
                [scheduling_topic],
                KAFKA,
                ipool,
                SchedulingPolicies(istore).handle,
            ).run,
        ]
        tasks = [asyncio.create_task(run()) for run in work]
        try:
            yield Pipeline(
                IntakeApplication(istore),
                SchedulingApplication(sstore, clock),
                clock,
                tasks,
                scheduling_topic,
            )
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
