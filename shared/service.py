"""One way to build a service: a short description in, the FastAPI app (and `main`) out.

    SERVICE = Service(
        name="scheduling",                      # its entry in shared/registry.py
        settings=SchedulingSettings,            # a ServiceSettings with env_prefix SCHEDULING_
        routers=[api.router],
        errors={NotAllowed: 409, NotFound: 404, SchedulingError: 400},
        projection=readmodel.project,           # optional: read-model rows in the save's tx
        setup=setup,                            # optional: what needs the open runtime
    )

    async def setup(ctx: Context) -> None:
        ctx.app.state.scheduling = SchedulingApplication(ctx.store)
        ctx.consume("scheduling-intake", [topic_of("intake")], Policies(ctx.store).handle)

    create_app = SERVICE.app                   # in __main__.py
    if __name__ == "__main__":
        SERVICE.main()

What the builder gives every service: settings from the environment, structlog JSON logs
with correlation ids, the pool and event store (encrypted when the settings have a
`cipher_key`), the outbox relay when the registry says the service publishes, consumers and
background work restarted with backoff, /health/live, /health/ready (200 while the database
answers now; degraded components named in the body, not a 503), /metrics (prometheus_client),
and problem details for bad input, for the store's errors (ConcurrencyConflict 409,
AggregateNotFound 404) and for the service's own error family (the `errors` mapping).
"""

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
import uvicorn
from fastapi import APIRouter, FastAPI
from fastapi.responses import Response

from shared import identity, kafka, metrics, registry
from shared.consumer import Consumer, Handler
from shared.docs import add_offline_docs
from shared.envelope import contract_check
from shared.error_mapping import STORE_ERRORS, add_error_mapping
from shared.eventstore import EventStore
from shared.http import add_common_routes
from shared.logging import configure_logging
from shared.relay import OutboxRelay
from shared.runtime import Runtime, open_runtime
from shared.settings import ServiceSettings

log = structlog.get_logger()

REFRESH_TIMEOUT = 1.0  # seconds a scrape waits for one value before showing the last one


@dataclass
class Context:
    """What a service's setup hook works with, once the runtime is open."""

    app: FastAPI
    settings: Any  # the service's own ServiceSettings subclass
    runtime: Runtime
    relay: OutboxRelay | None
    refreshes: list[metrics.Refresh] = field(default_factory=list)

    @property
    def pool(self) -> Any:
        return self.runtime.pool

    @property
    def store(self) -> EventStore:
        return self.runtime.store

    def consume(
        self, group: str, topics: Sequence[str], handle: Handler, **options: Any
    ) -> Consumer:
        """A consumer group reading `topics` into `handle`, supervised, in health and metrics."""
        consumer = Consumer(
            group, list(topics), self.settings.kafka_bootstrap, self.pool, handle, **options
        )
        self.run(group, consumer.run, component=consumer)  # it counts in its own metrics
        return consumer

    def run(
        self,
        name: str,
        work: Callable[[], Awaitable[None]],
        component: Any = None,
        once: bool = False,
    ) -> None:
        """Background work for the life of the process, restarted with backoff on failure;
        a component with `health()` is reported by its own words in /health/ready. With
        `once`, work that ends when its job is done (a backfill)."""
        self.runtime.start(name, work, component, once)

    def on_scrape(self, refresh: metrics.Refresh) -> None:
        """Set gauges that need an async query, just before /metrics renders."""
        self.refreshes.append(refresh)


@dataclass(frozen=True)
class Service:
    name: str
    settings: type[ServiceSettings]
    routers: Sequence[APIRouter] = ()
    # The service's error family -> HTTP status; the most specific class wins. An error with a
    # `field` attribute is bad input naming that field.
    errors: Mapping[type[Exception], int] = field(default_factory=dict)
    # For errors that need more than a status (registered after the mapping, so they win).
    error_handlers: Callable[[FastAPI], None] | None = None
    projection: Any = None  # shared.appends.Projection
    # Paths that authenticate by themselves (a client's form link); all others need the
    # gateway's signed assertion (shared/identity.py).
    public_paths: Sequence[str] = ()
    setup: Callable[[Context], Awaitable[None]] | None = None

    def app(self, settings: ServiceSettings) -> FastAPI:
        entry = registry.entry(self.name)

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            kafka.use_topic_policy(settings.topic_policy())
            key = getattr(settings, "cipher_key", None)
            runtime = await open_runtime(
                settings,
                key.get_secret_value() if key else None,
                self.projection,
                validate=contract_check(self.name),  # an event that cannot publish: not saved
            )
            relay = OutboxRelay(self.name, runtime.store, settings.kafka_bootstrap)
            ctx = Context(app, settings, runtime, relay if entry.publishes else None)
            app.state.runtime, app.state.context = runtime, ctx
            try:
                if self.setup:
                    await self.setup(ctx)
                # What was built to start (modules, routes, schemas: some 100,000 objects)
                # lives as long as the service: out of the collector's sight, a full
                # collection takes a few ms, not the 50-190 ms that paused every request
                # every second or so under load.
                gc.collect()
                gc.freeze()
                if ctx.relay:
                    ctx.run("relay", ctx.relay.run, component=ctx.relay)
                    ctx.on_scrape(ctx.relay.refresh_metrics)  # its lag, queried now
                log.info("service.started", service=self.name, port=settings.port)
                yield
            finally:
                await runtime.close()

        app = FastAPI(
            title=f"Rapport {self.name}",
            lifespan=lifespan,
            docs_url=None,
            redoc_url=None,
            # Metrics are Prometheus's and logs structlog's: FastAPI's OpenTelemetry hooks
            # would only look up the environment for a provider on every request.
            telemetry={"tracing": False, "metrics": False, "logs": False},
        )
        add_offline_docs(app)
        for router in self.routers:
            app.include_router(router)
        add_error_mapping(app, {**STORE_ERRORS, **self.errors})
        if self.error_handlers:
            self.error_handlers(app)
        identity.protect(app, settings.environment, tuple(self.public_paths))
        add_common_routes(app, lambda: _readiness(app), settings.max_body_bytes)
        app.add_api_route("/metrics", _metrics_of(app), methods=["GET"], tags=["health"])
        return app

    def main(self) -> None:
        """Run the service as `python -m services.<name>` does."""
        settings = self.settings()
        configure_logging(settings.log_format, settings.log_level)
        uvicorn.run(
            self.app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,  # shared/http.py logs each request, without its query string
        )


async def _readiness(app: FastAPI) -> dict[str, Any]:
    runtime: Runtime | None = getattr(app.state, "runtime", None)
    if runtime is None:
        return {"ready": False, "checks": {"started": False}}
    await _refresh(app)  # so the body shows the relay's backlog as of now
    return await runtime.readiness()


async def _refresh(app: FastAPI) -> None:
    """Run the scrape callbacks together, each for at most REFRESH_TIMEOUT: a value that
    cannot be had now (the database down) stays as it was."""
    ctx: Context | None = getattr(app.state, "context", None)
    if ctx is None:
        return
    waits = (asyncio.wait_for(refresh(), REFRESH_TIMEOUT) for refresh in ctx.refreshes)
    for result in await asyncio.gather(*waits, return_exceptions=True):
        if isinstance(result, Exception):
            log.warning("metrics.refresh_failed", error=repr(result))


def _metrics_of(app: FastAPI) -> Callable[[], Awaitable[Response]]:
    async def prometheus_metrics() -> Response:
        """Prometheus text exposition of this process's metrics."""
        await _readiness(app)  # refreshes the values and sets the health gauges
        return Response(metrics.render(), media_type=metrics.CONTENT_TYPE_LATEST)

    return prometheus_metrics
