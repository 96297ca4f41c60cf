"""HTTP routes of the audit service."""

import json
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from services.audit import ledger

router = APIRouter()


class LedgerEntry(BaseModel):
    leaf_index: int
    event_id: UUID
    type: str
    case_id: UUID | None
    topic: str
    kafka_partition: int
    kafka_offset: int
    received_at: datetime
    leaf_hash: str
    envelope: dict[str, Any]


class LedgerPage(BaseModel):
    entries: list[LedgerEntry]
    next_after: int | None


@router.get("/ledger/entries", response_model=LedgerPage)
async def ledger_entries(
    request: Request,
    after: Annotated[int, Query(ge=-1, description="leaf index to start after")] = -1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
):
    rows = await ledger.entries(request.app.state.runtime.pool, after, limit)
    page = [LedgerEntry(**{**r, "envelope": json.loads(r["envelope"])}) for r in rows]
    return LedgerPage(entries=page, next_after=page[-1].leaf_index if page else None)
