"""Composition root of the forms service: settings, logging, store with its read models,
outbox relay, the consumer of scheduling's and intake's events, HTTP app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from services.forms import SERVICE, readmodel
from services.forms.api import add_error_handlers, router
from services.forms.application import FormsApplication
from services.forms.policies import TOPICS, Reactions
from services.forms.queries import FormsQueries
from services.forms.settings import FormsSettings
from shared.consumer import Consumer
from shared.http import add_common_routes, serve
from shared.relay import OutboxRelay
from shared.runtime import open_runtime


def create_app(settings: FormsSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        key = settings.cipher_key.get_secret_value() if settings.cipher_key else None
        runtime = await open_runtime(settings, cipher_key=key, projection=readmodel.project)
        async with runtime.pool.acquire() as conn:
            await readmodel.ensure_schema(conn)
        app.state.runtime = runtime
        app.state.public_base_url = settings.public_base_url.rstrip("/")
        app.state.forms = FormsApplication(
            runtime.store,
            link_grace=timedelta(hours=settings.link_grace_hours),
            feedback_window=timedelta(days=settings.feedback_window_days),
        )
        app.state.queries = FormsQueries(runtime.pool)
        app.state.relay = OutboxRelay(SERVICE, runtime.store, settings.kafka_bootstrap)
        reactions = Reactions(app.state.forms)
        consumer = Consumer(SERVICE, TOPICS, settings.kafka_bootstrap, runtime.pool,
                            reactions.handle)  # fmt: skip
        runtime.start("relay", app.state.relay.run)
        runtime.start("consumer", consumer.run)
        try:
            yield
        finally:
            await runtime.close()

    app = FastAPI(title="Rapport forms", lifespan=lifespan)
    app.include_router(router)
    add_error_handlers(app)
    add_common_routes(app, lambda: app.state.runtime.readiness(), settings.max_body_bytes)
    return app


def main() -> None:
    serve(FormsSettings(), create_app)


if __name__ == "__main__":
    main()
