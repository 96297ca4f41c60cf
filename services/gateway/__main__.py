"""The gateway, as the builder makes it (shared/service.py): token validation against the
identity provider's keys, the policy table, the routes to the services, its access log
(an event store and outbox relay of its own) and the break-glass list."""

import asyncio
import logging

import httpx

from services.gateway import SERVICE, readmodel
from services.gateway.access import AccessLog
from services.gateway.api import router
from services.gateway.limits import RateLimit
from services.gateway.openapi import describe
from services.gateway.settings import GatewaySettings
from services.gateway.tokens import TokenValidator
from services.gateway.upstream import Upstream
from services.gateway.web import router as web_router
from shared.identity import private_key_of
from shared.service import Context, Service

OPENAPI_REFRESH = 30.0  # seconds between two readings of the services' descriptions


async def setup(ctx: Context) -> None:
    settings: GatewaySettings = ctx.settings
    async with ctx.pool.acquire() as conn:
        await readmodel.ensure_schema(conn)
    assert settings.assertion_key is not None  # the settings refuse to start without it
    state = ctx.app.state
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per upstream call is noise
    state.upstream = Upstream(settings, private_key_of(settings.assertion_key.get_secret_value()))
    state.tokens = TokenValidator(settings, httpx.AsyncClient(timeout=5.0))
    state.access = AccessLog(ctx.store)
    state.rate_limit = RateLimit(settings.rate_limit_requests, settings.rate_limit_window_seconds)
    plain = ctx.app.openapi
    ctx.app.openapi = lambda: getattr(state, "openapi_doc", None) or plain()  # type: ignore[method-assign]

    async def describe_services() -> None:
        while True:
            state.openapi_doc = await describe(ctx.app, state.upstream)
            await asyncio.sleep(OPENAPI_REFRESH if state.openapi_doc["x-complete"] else 2.0)

    ctx.run("openapi", describe_services)


# The gateway authenticates its callers itself (bearer tokens): no path of it waits for an
# assertion, which only it makes.
GATEWAY = Service(name=SERVICE, settings=GatewaySettings, routers=[router, web_router],
                  public_paths=("/",), setup=setup)  # fmt: skip
create_app = GATEWAY.app

if __name__ == "__main__":
    GATEWAY.main()
