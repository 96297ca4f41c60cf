"""The resources of one service process, opened by its composition root and closed on exit."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
import structlog

from shared.appends import Projection
from shared.eventstore import EventCheck, EventStore
from shared.mapping import build_mapper
from shared.schema import ensure_schema
from shared.settings import ServiceSettings

log = structlog.get_logger()


RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
UNHEALTHY_FOR = 60.0  # seconds after a failure that readiness reports it


@dataclass
class Runtime:
    settings: ServiceSettings
    pool: asyncpg.Pool
    store: EventStore
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    last_failure: dict[str, float] = field(default_factory=dict)
    restart_delays: tuple[float, ...] = RESTART_DELAYS

    def start(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run background work (a relay, a consumer) for the life of the process, restarted
        after any failure: a database or broker outage must not end it for good."""
        self.tasks[name] = asyncio.create_task(self._supervise(name, work), name=name)

    async def _supervise(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        failures = 0
        while True:
            started = time.monotonic()
            try:
                await work()
                return
            except Exception:
                self.last_failure[name] = time.monotonic()
                failures = 1 if time.monotonic() - started > UNHEALTHY_FOR else failures + 1
                delay = self.restart_delays[min(failures, len(self.restart_delays)) - 1]
                log.exception("background_task_failed", task=name, restart_in=delay)
                await asyncio.sleep(delay)

    async def readiness(self) -> dict[str, bool]:
        now = time.monotonic()
        checks = {
            name: not task.done()
            and now - self.last_failure.get(name, -UNHEALTHY_FOR) >= UNHEALTHY_FOR
            for name, task in self.tasks.items()
        }
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
    settings: ServiceSettings,
    cipher_key: str | None = None,
    projection: Projection | None = None,
    validate: EventCheck | None = None,
) -> Runtime:
    """`validate` refuses an event before it is saved: pass shared.envelope.contract_check."""
    pool = await asyncpg.create_pool(
        settings.database_url, min_size=2, max_size=settings.database_pool_size
    )
    async with pool.acquire() as conn:
        await ensure_schema(conn)
    store = EventStore(pool, build_mapper(cipher_key), projection, validate)
    return Runtime(settings, pool, store)
