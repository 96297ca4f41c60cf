"""The forms service, as the builder makes it (shared/service.py): its routes and errors, its
read models (written in each save's transaction), the outbox relay, the consumer of
scheduling's and intake's events, and the risk escalation gauges."""

from datetime import timedelta

from services.forms import SERVICE, metrics, readmodel
from services.forms.api import add_error_handlers, router
from services.forms.application import FormsApplication
from services.forms.policies import TOPICS, Reactions
from services.forms.queries import FormsQueries
from services.forms.settings import FormsSettings
from shared.service import Context, Service


async def setup(ctx: Context) -> None:
    settings: FormsSettings = ctx.settings
    async with ctx.pool.acquire() as conn:
        await readmodel.ensure_schema(conn)
    app = FormsApplication(
        ctx.store,
        link_grace=timedelta(hours=settings.link_grace_hours),
        feedback_window=timedelta(days=settings.feedback_window_days),
    )
    queries = FormsQueries(ctx.pool)
    ctx.app.state.forms, ctx.app.state.queries = app, queries
    ctx.app.state.public_base_url = settings.public_base_url.rstrip("/")
    ctx.consume(SERVICE, TOPICS, Reactions(app).handle)
    ctx.on_scrape(lambda: metrics.refresh(queries))


FORMS = Service(
    name=SERVICE,
    settings=FormsSettings,
    routers=[router],
    error_handlers=add_error_handlers,
    public_paths=("/f/",),  # a client's link authenticates by its own one-time token
    projection=readmodel.project,
    setup=setup,
)
create_app = FORMS.app

if __name__ == "__main__":
    FORMS.main()
