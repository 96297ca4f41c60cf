"""Composition root of the intake service: settings, logging, store, relay, HTTP app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI

from services.intake import SERVICE, readmodel
from services.intake.api import add_error_handlers, router
from services.intake.application import IntakeApplication
from services.intake.queries import IntakeQueries
from services.intake.settings import IntakeSettings
from shared.http import add_common_routes, serve
from shared.relay import OutboxRelay
from shared.runtime import open_runtime

log = structlog.get_logger()


def create_app(settings: IntakeSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        key = settings.cipher_key.get_secret_value() if settings.cipher_key else None
        runtime = await open_runtime(settings, cipher_key=key, projection=readmodel.project)
        async with runtime.pool.acquire() as conn:
            await readmodel.ensure_schema(conn)
        log.info("intake.case_index_caught_up", cases=await readmodel.catch_up(runtime.store))
        app.state.runtime = runtime
        app.state.intake = IntakeApplication(runtime.store)
        app.state.queries = IntakeQueries(runtime.store)
        app.state.relay = OutboxRelay(SERVICE, runtime.store, settings.kafka_bootstrap)
        runtime.start("relay", app.state.relay.run)
        try:
            yield
        finally:
            await runtime.close()

    app = FastAPI(title="Rapport intake", lifespan=lifespan)
    app.include_router(router)
    add_error_handlers(app)
    add_common_routes(app, lambda: app.state.runtime.readiness(), settings.max_body_bytes)
    return app


def main() -> None:
    serve(IntakeSettings(), create_app)


if __name__ == "__main__":
    main()
