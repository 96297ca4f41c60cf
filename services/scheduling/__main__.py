"""Composition root of the scheduling service, built with the shared service builder: the
reservations projection in every save's transaction, the API, and the consumer of intake's
events."""

from services.scheduling import SERVICE, errors, readmodel
from services.scheduling.api import router
from services.scheduling.commands import SchedulingApplication
from services.scheduling.policies import CONSUMER, IntakePolicies
from services.scheduling.queries import SchedulingQueries
from services.scheduling.settings import SchedulingSettings
from shared.kafka import topic_of
from shared.service import Context, Service


async def setup(ctx: Context) -> None:
    async with ctx.pool.acquire() as conn:
        await readmodel.ensure_schema(conn)
    ctx.app.state.scheduling = SchedulingApplication(ctx.store)
    ctx.app.state.queries = SchedulingQueries(ctx.store)
    ctx.consume(CONSUMER, [topic_of("intake")], IntakePolicies(ctx.store).handle)


SCHEDULING = Service(
    name=SERVICE,
    settings=SchedulingSettings,
    routers=[router],
    errors={
        errors.InvalidInput: 422,
        errors.NotAllowed: 409,
        errors.NotFound: 404,
        errors.SchedulingError: 400,
    },
    projection=readmodel.project,
    setup=setup,
)
create_app = SCHEDULING.app

if __name__ == "__main__":
    SCHEDULING.main()
