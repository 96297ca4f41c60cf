"""Composition root of the audit service: settings, logging, ledger consumer, HTTP app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from services.audit import ledger
from services.audit.api import router
from services.audit.settings import AuditSettings
from shared.consumer import Consumer
from shared.http import add_common_routes
from shared.kafka import all_service_topics
from shared.logging import configure_logging
from shared.runtime import open_runtime

CONSUMER = "audit-ledger"


def create_app(settings: AuditSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime(settings)
        async with runtime.pool.acquire() as conn:
            await ledger.ensure_ledger_schema(conn)
        app.state.runtime = runtime
        app.state.consumer = Consumer(
            CONSUMER, all_service_topics(), settings.kafka_bootstrap, runtime.pool, ledger.append
        )
        runtime.start("ledger-consumer", app.state.consumer.run())
        try:
            yield
        finally:
            await runtime.close()

    app = FastAPI(title="Rapport audit", lifespan=lifespan)
    app.include_router(router)
    add_common_routes(app, lambda: app.state.runtime.readiness(), settings.max_body_bytes)
    return app


def main() -> None:
    settings = AuditSettings()
    configure_logging(settings.log_format, settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
