"""Routes that watch the service: Prometheus metrics (risk escalations, the relay)."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from prometheus_client import REGISTRY, generate_latest

from services.forms import metrics

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=PlainTextResponse)
async def get_metrics(request: Request) -> str:
    await metrics.refresh(request.app.state.queries)
    return generate_latest(REGISTRY).decode()
