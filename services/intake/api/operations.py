"""Routes that watch the service: its metrics."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from shared.metrics import RELAY_HELP, relay_samples, render

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(request: Request) -> str:
    """Prometheus text: how far the outbox relay is behind the event store."""
    return render(await relay_samples(request.app.state.relay), RELAY_HELP)
