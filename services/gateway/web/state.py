"""The web app's parts on the gateway's app state, made at its first request (the gateway's
setup stays its own), and the router every page module adds its routes to."""

from fastapi import APIRouter, Depends, Request

from services.gateway.web.provider import Provider
from services.gateway.web.session_store import Sessions
from services.gateway.web.settings import WebSettings


async def ready(request: Request) -> None:
    state = request.app.state
    if getattr(state, "web_sessions", None) is None:
        settings = WebSettings()
        gateway = state.context.settings
        state.web_settings = settings
        state.web_secure = gateway.environment == "production"
        state.web_provider = Provider(gateway.discovery_url(), settings)
        seed = gateway.assertion_key.get_secret_value()
        sessions = Sessions(state.runtime.pool, seed, settings.idle_minutes * 60)
        await sessions.ensure_schema()
        state.web_sessions = sessions


def web_router() -> APIRouter:
    """Routes under /web, each with the parts made ready."""
    return APIRouter(prefix="/web", dependencies=[Depends(ready)])
