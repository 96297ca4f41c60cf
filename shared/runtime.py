"""The resources of one service process, opened by its composition root and closed on exit."""

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog

from shared.appends import Projection
from shared.eventstore import EventStore
from shared.mapping import build_mapper
from shared.schema import ensure_schema
from shared.settings import ServiceSettings

log = structlog.get_logger()


@dataclass
class Runtime:
    settings: ServiceSettings
    pool: asyncpg.Pool
    store: EventStore
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def start(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Run background work (a relay, a consumer) for the life of the process."""
        task = asyncio.create_task(work, name=name)
        task.add_done_callback(_log_if_failed)
        self.tasks[name] = task

    async def readiness(self) -> dict[str, bool]:
        checks = {name: not task.done() for name, task in self.tasks.items()}
        try:
            checks["database"] = await self.pool.fetchval("SELECT 1", timeout=2) == 1
        except (OSError, asyncpg.PostgresError, TimeoutError):
            checks["database"] = False
        return checks

    async def close(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        await self.pool.close()


async def open_runtime(
    settings: ServiceSettings, cipher_key: str | None = None, projection: Projection | None = None
) -> Runtime:
    pool = await asyncpg.create_pool(
        settings.database_url, min_size=2, max_size=settings.database_pool_size
    )
    async with pool.acquire() as conn:
        await ensure_schema(conn)
    return Runtime(settings, pool, EventStore(pool, build_mapper(cipher_key), projection))


def _log_if_failed(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background_task_failed", task=task.get_name(), error=repr(task.exception()))
