"""The intake service, as the builder makes it (shared/service.py): its routes and errors,
the case index (a read model written in each save's transaction) and its outbox relay."""

import structlog

from services.intake import SERVICE, idempotency, readmodel
from services.intake.api import ERRORS, router
from services.intake.application import IntakeApplication
from services.intake.digests import KeyedDigests
from services.intake.policies import CONSUMER as POLICY
from services.intake.policies import SchedulingPolicies
from services.intake.projections import SEARCH, project
from services.intake.queries import IntakeQueries
from services.intake.search import BlindIndex
from services.intake.search_backfill import backfill
from services.intake.settings import IntakeSettings
from shared.kafka import topic_of
from shared.service import Context, Service

log = structlog.get_logger()


async def setup(ctx: Context) -> None:
    key = ctx.settings.digest_key
    digests = KeyedDigests.from_base64(key.get_secret_value() if key else None)
    SEARCH.blind = BlindIndex(digests.derived("search index"))
    async with ctx.pool.acquire() as conn:
        await readmodel.ensure_schema(conn)
        await SEARCH.ensure_schema(conn)
        await idempotency.ensure_schema(conn)
    log.info("intake.case_index_caught_up", cases=await readmodel.catch_up(ctx.store))
    ctx.run("search-backfill", lambda: backfill(ctx.store, SEARCH), once=True)
    ctx.app.state.intake = IntakeApplication(ctx.store, digests, SEARCH)
    ctx.app.state.queries = IntakeQueries(ctx.store, search=SEARCH)
    # The first attended session of a scheduled course stops the waiting clock.
    ctx.consume(POLICY, [topic_of("scheduling")], SchedulingPolicies(ctx.store).handle)


INTAKE = Service(
    name=SERVICE,
    settings=IntakeSettings,
    routers=[router],
    errors=ERRORS,
    projection=project,
    setup=setup,
)
create_app = INTAKE.app

if __name__ == "__main__":
    INTAKE.main()
