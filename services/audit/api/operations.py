"""Routes that watch the ledger: reconciliation with Kafka, and the metrics."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from services.audit.api.deps import Audit

router = APIRouter()


@router.get("/reconciliation")
async def reconciliation(audit: Audit, fresh: bool = False) -> dict[str, Any]:
    """The last comparison of the service topics with the ledger (run now if `fresh`)."""
    return await audit.reconciliation(fresh)


@router.post("/reconciliation")
async def reconcile_now(audit: Audit) -> dict[str, Any]:
    return await audit.reconciliation(fresh=True)


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(audit: Audit) -> str:
    return await audit.metrics()
