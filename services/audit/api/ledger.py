"""Routes of the ledger itself: entries, signed checkpoints and proofs."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from services.audit.api.deps import Audit, CheckpointId
from services.audit.api.views import (
    CheckpointOut,
    ConsistencyProofOut,
    InclusionProofOut,
    LedgerEntry,
    LedgerPage,
    PublicKeyOut,
    SizesConsistencyProofOut,
)

router = APIRouter()


@router.get("/ledger/entries", response_model=LedgerPage)
async def ledger_entries(
    audit: Audit,
    after: Annotated[int, Query(ge=-1, description="leaf index to start after")] = -1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    page = await audit.entries_page(after, limit)
    return {"entries": page, "next_after": page[-1]["leaf_index"] if page else None}


@router.get("/ledger/entries/{event_id}", response_model=LedgerEntry)
async def ledger_entry(event_id: UUID, audit: Audit) -> dict[str, Any]:
    """The event's entry, once the ledger holds it (404 until then)."""
    return await audit.entry(event_id)


@router.post("/checkpoints", status_code=201, response_model=CheckpointOut)
async def issue_checkpoint(audit: Audit) -> dict[str, Any]:
    return await audit.issue_checkpoint()


@router.get("/checkpoints", response_model=list[CheckpointOut])
async def list_checkpoints(
    audit: Audit,
    after: Annotated[int, Query(ge=0, description="checkpoint id to start after")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    return await audit.checkpoints(after, limit)


@router.get("/checkpoint", response_class=PlainTextResponse)
async def checkpoint_note(audit: Audit) -> str:
    """The latest checkpoint as a C2SP tlog-checkpoint signed note, at the path transparency
    logs serve it (C2SP tlog-tiles)."""
    return await audit.latest_note()


@router.get("/checkpoints/latest", response_model=CheckpointOut)
async def latest_checkpoint(audit: Audit) -> dict[str, Any]:
    return await audit.checkpoint(None)


@router.get("/checkpoints/public-key", response_model=PublicKeyOut)
async def public_key(audit: Audit) -> dict[str, str]:
    return audit.public_key()


@router.get("/checkpoints/{checkpoint_id}", response_model=CheckpointOut)
async def checkpoint(checkpoint_id: int, audit: Audit) -> dict[str, Any]:
    return await audit.checkpoint(checkpoint_id)


@router.get("/proofs/inclusion", response_model=InclusionProofOut)
async def inclusion_proof(
    audit: Audit,
    checkpoint: CheckpointId = None,
    event_id: UUID | None = None,
    leaf_index: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    return await audit.inclusion_proof(event_id, leaf_index, checkpoint)


@router.get("/proofs/consistency", response_model=ConsistencyProofOut)
async def consistency_proof(
    audit: Audit,
    from_: Annotated[int, Query(alias="from", ge=1, description="the older checkpoint id")],
    to: CheckpointId = None,
) -> dict[str, Any]:
    return await audit.consistency_proof(from_, to)


@router.get("/proofs/consistency/sizes", response_model=SizesConsistencyProofOut)
async def consistency_proof_between_sizes(
    audit: Audit,
    from_size: Annotated[int, Query(ge=0, description="the older tree size")],
    to_size: Annotated[int, Query(ge=0, description="the newer tree size")],
) -> dict[str, Any]:
    """That the tree of from_size leaves is a prefix of the tree of to_size leaves, for any
    two sizes (a checkpoint an auditor kept, and a later one), not only checkpoint ids."""
    return await audit.consistency_proof_between(from_size, to_size)
