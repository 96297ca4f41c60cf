"""The audit service, as the builder makes it (shared/service.py): the ledger consumer of
every service topic, the checkpointer, the reconciler and the HTTP API."""

from functools import partial

import structlog
from fastapi import FastAPI

from services.audit import api, ledger, metrics
from services.audit.application import AuditApplication
from services.audit.checkpoint_log import CheckpointLog
from services.audit.checkpoints import Checkpointer
from services.audit.reconcile import Reconciler
from services.audit.schema import ensure_audit_schema
from services.audit.settings import AuditSettings
from services.audit.signing import load_signer
from services.audit.verifier import WitnessKey
from services.audit.witnessing import HttpWitness
from shared.error_mapping import add_error_mapping
from shared.kafka import all_service_topics
from shared.service import Context, Service

CONSUMER = "audit-ledger"
log = structlog.get_logger()


async def setup(ctx: Context) -> None:
    settings: AuditSettings = ctx.settings
    signer = load_signer(settings)  # refuses to start without the right key, before serving
    async with ctx.pool.acquire() as conn:
        await ensure_audit_schema(conn)
        async with conn.transaction():
            await ledger.catch_up_nodes(conn)  # a ledger from before ledger_nodes
    topics = all_service_topics()
    consumer = ctx.consume(CONSUMER, topics, ledger.append)
    history = CheckpointLog(
        settings.kafka_bootstrap, settings.topic_policy(), settings.checkpoint_history_topic()
    )
    checkpointer = Checkpointer(ctx.pool, signer, history, witness_of(settings))
    reconciler = Reconciler(ctx.pool, settings.kafka_bootstrap, topics, CONSUMER)
    ctx.app.state.audit = AuditApplication(ctx.pool, signer, checkpointer, reconciler, consumer)
    interval = settings.checkpoint_interval_seconds
    ctx.run("checkpointer", lambda: checkpointer.run(interval), component=checkpointer)
    ctx.run("reconciler", lambda: reconciler.run(settings.reconcile_interval_seconds))
    ctx.on_scrape(partial(metrics.refresh, ctx.pool, reconciler))


def witness_of(settings: AuditSettings) -> HttpWitness | None:
    """Without a witness key (development only) checkpoints are not cosigned, and bundles
    do not verify: the verifier requires the cosignature."""
    if not settings.witness_key:
        log.warning("audit.no_witness", hint="set AUDIT_WITNESS_KEY (deploy/dev_env.sh does)")
        return None
    return HttpWitness(settings.witness_url, WitnessKey.parse(settings.witness_key))


AUDIT = Service(name="audit", settings=AuditSettings, routers=[api.router], errors=api.ERRORS,
                setup=setup)  # fmt: skip
create_app = AUDIT.app


def routes(app: FastAPI) -> FastAPI:
    """The audit API on `app`, whose state.audit is the AuditApplication (for tests and
    tools that serve the routes without the service around them)."""
    app.include_router(api.router)
    add_error_mapping(app, api.ERRORS)
    return app


if __name__ == "__main__":
    AUDIT.main()
