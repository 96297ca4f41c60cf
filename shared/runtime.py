"""The resources of one service process, opened by the builder (shared/service.py) and
closed on exit: the pool, the event store, and supervised background work with its health."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog

from shared.appends import Projection
from shared.eventstore import EventCheck, EventStore
from shared.mapping import build_mapper
from shared.metrics import record_health
from shared.schema import ensure_schema
from shared.settings import ServiceSettings

log = structlog.get_logger()


RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
STEADY_FOR = 60.0  # seconds of running after which a failure counts as the first again
DATABASE_CHECK_TIMEOUT = 1.0  # readiness answers in about this even when the database hangs


@dataclass
class Supervised:
    """What the supervisor knows of one piece of background work."""

    restarts: int = 0
    last_error: str | None = None
    restart_in: float | None = None  # set while waiting to restart after a failure
    once: bool = False  # work that ends when its job is done (a backfill), not a relay

    def health(self, done: bool) -> dict[str, Any]:
        if self.restart_in is not None:
            return {"ok": False, "state": "restarting", "restarts": self.restarts,
                    "retry_in": self.restart_in, "error": self.last_error}  # fmt: skip
        state = ("done" if self.once else "finished") if done else "running"
        return {"ok": self.once or not done, "state": state, "restarts": self.restarts,
                "last_error": self.last_error}  # fmt: skip


@dataclass
class Runtime:
    settings: ServiceSettings
    pool: asyncpg.Pool
    store: EventStore
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    supervised: dict[str, Supervised] = field(default_factory=dict)
    # Components with a `health() -> {"ok", "state", ...}` (relays, consumers) by task name.
    components: dict[str, object] = field(default_factory=dict)
    restart_delays: tuple[float, ...] = RESTART_DELAYS

    def start(
        self,
        name: str,
        work: Callable[[], Awaitable[None]],
        component: object = None,
        once: bool = False,
    ) -> None:
        """Run background work (a relay, a consumer) for the life of the process, restarted
        after any failure: a database or broker outage must not end it for good. With
        `once`, the work ends when done (a backfill) and that is healthy, not degraded."""
        self.supervised[name] = Supervised(once=once)
        if component is not None:
            self.components[name] = component
        self.tasks[name] = asyncio.create_task(self._supervise(name, work), name=name)

    async def _supervise(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        status, failures = self.supervised[name], 0
        while True:
            started = time.monotonic()
            try:
                await work()
                return
            except Exception as error:
                failures = 1 if time.monotonic() - started > STEADY_FOR else failures + 1
                delay = self.restart_delays[min(failures, len(self.restart_delays)) - 1]
                status.last_error, status.restart_in = repr(error)[:500], delay
                log.exception("background_task_failed", task=name, restart_in=delay)
                await asyncio.sleep(delay)
                status.restarts, status.restart_in = status.restarts + 1, None

    def components_health(self) -> dict[str, dict[str, Any]]:
        """Each background task's health: its component's own report when it gives one
        (H3's relays and consumers), else what the supervisor sees."""
        report = {}
        for name, task in self.tasks.items():
            status = self.supervised[name].health(task.done())
            own = getattr(self.components.get(name), "health", None)
            if callable(own) and status["state"] != "restarting":  # its words say more
                try:
                    status = {**own(), "restarts": status["restarts"]}
                except Exception as error:  # a report that fails must not fail readiness
                    status = {"ok": False, "state": "unknown", "error": repr(error)}
            report[name] = status
        return report

    async def readiness(self) -> dict[str, Any]:
        """Ready = can serve commands now: the database answers. A degraded component (the
        broker unreachable, a consumer retrying) is named, and in the metrics, but keeps
        a working instance in rotation."""
        database = await self.database_reachable()
        components = self.components_health()
        record_health(components, database)
        degraded = sorted(name for name, health in components.items() if not health.get("ok"))
        return {"ready": database, "checks": {"database": database},
                "components": components, "degraded": degraded}  # fmt: skip

    async def database_reachable(self) -> bool:
        """Asked now, every time: a database back after a restart is ready at once."""
        try:
            # The wait covers getting a connection too, not only the query.
            query = self.pool.fetchval("SELECT 1", timeout=DATABASE_CHECK_TIMEOUT)
            return await asyncio.wait_for(query, DATABASE_CHECK_TIMEOUT * 2) == 1
        except Exception as error:  # whatever the reason, it cannot serve commands now
            log.info("readiness.database_unreachable", error=repr(error))
            return False

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
        settings.database_url, min_size=2, max_size=settings.database_pool_size,
        # Short queries only: JIT compiling one costs more than it saves (tens of ms).
        server_settings={"jit": "off"}, reset=_keep_as_is,
    )  # fmt: skip
    async with pool.acquire() as conn:
        await ensure_schema(conn)
    store = EventStore(pool, build_mapper(cipher_key), projection, validate)
    return Runtime(settings, pool, store)


async def _keep_as_is(conn: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is: no work leaves session state on one
    (locks are a transaction's, or released in a `finally` on a connection discarded if that
    is interrupted; the relay closes its lock connection). asyncpg's own reset query, run
    on every release, doubled the cost of a short query; it still rolls back an open
    transaction before this runs."""
