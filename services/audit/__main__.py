"""Composition root of the audit service: settings, logging, signing key, ledger consumer,
checkpointer, reconciler and the HTTP app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.audit import api, ledger
from services.audit.application import AuditApplication
from services.audit.checkpoints import Checkpointer
from services.audit.reconcile import Reconciler
from services.audit.schema import ensure_audit_schema
from services.audit.settings import AuditSettings
from services.audit.signing import load_signer
from shared.consumer import Consumer
from shared.http import add_common_routes, serve
from shared.kafka import all_service_topics
from shared.runtime import open_runtime

CONSUMER = "audit-ledger"


def create_app(settings: AuditSettings) -> FastAPI:
    signer = load_signer(settings)  # refuses to start without the right key, before serving

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime(settings)
        pool = runtime.pool
        async with pool.acquire() as conn:
            await ensure_audit_schema(conn)
            async with conn.transaction():
                await ledger.catch_up_nodes(conn)  # a ledger from before ledger_nodes
        topics = all_service_topics()
        consumer = Consumer(CONSUMER, topics, settings.kafka_bootstrap, pool, ledger.append)
        checkpointer = Checkpointer(pool, signer)
        reconciler = Reconciler(pool, settings.kafka_bootstrap, topics, CONSUMER)
        app.state.runtime = runtime
        app.state.audit = AuditApplication(pool, signer, checkpointer, reconciler, consumer)
        runtime.start("ledger-consumer", consumer.run)
        runtime.start(
            "checkpointer", lambda: checkpointer.run(settings.checkpoint_interval_seconds)
        )
        runtime.start("reconciler", lambda: reconciler.run(settings.reconcile_interval_seconds))
        try:
            yield
        finally:
            await runtime.close()

    app = routes(FastAPI(title="Rapport audit", lifespan=lifespan))
    add_common_routes(app, lambda: app.state.runtime.readiness(), settings.max_body_bytes)
    return app


def routes(app: FastAPI) -> FastAPI:
    """The audit API on `app`, whose state.audit is the AuditApplication."""
    app.include_router(api.router)
    api.add_error_handlers(app)
    return app


def main() -> None:
    serve(AuditSettings(), create_app)


if __name__ == "__main__":
    main()
