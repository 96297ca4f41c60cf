"""Routes that watch the ledger: reconciliation with Kafka (its metrics are at /metrics,
served by the builder)."""

from typing import Any

from fastapi import APIRouter

from services.audit.api.deps import Audit

router = APIRouter()


@router.get("/reconciliation")
async def reconciliation(audit: Audit, fresh: bool = False) -> dict[str, Any]:
    """The last comparison of the service topics with the ledger (run now if `fresh`)."""
    return await audit.reconciliation(fresh)


@router.post("/reconciliation")
async def reconcile_now(audit: Audit) -> dict[str, Any]:
    return await audit.reconciliation(fresh=True)
