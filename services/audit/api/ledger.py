"""Routes of the ledger itself: entries, signed checkpoints and proofs."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from services.audit.api.deps import Audit, CheckpointId
from services.audit.api.pages import PAGED, After, Page, at_most, paged, start
from services.audit.api.views import (
    CheckpointOut,
    ConsistencyProofOut,
    InclusionProofOut,
    LedgerEntry,
    PublicKeyOut,
    SizesConsistencyProofOut,
)

router = APIRouter()


@router.get("/ledger/entries", response_model=Page[LedgerEntry], responses=PAGED)
async def ledger_entries(
    request: Request,
    response: Response,
    audit: Audit,
    after: After = None,
    limit: Annotated[int, at_most(1000)] = 100,
) -> dict[str, Any]:
    """The ledger's entries in leaf order; the cursor is the leaf index (pages: api/pages.py)."""
    rows = await audit.entries_page(start(after), limit + 1)
    return paged(request, response, rows, limit, lambda entry: entry["leaf_index"])


@router.get("/ledger/entries/{event_id}", response_model=LedgerEntry)
async def ledger_entry(event_id: UUID, audit: Audit) -> dict[str, Any]:
    """The event's entry, once the ledger holds it (404 until then)."""
    return await audit.entry(event_id)


@router.post("/checkpoints", status_code=201, response_model=CheckpointOut)
async def issue_checkpoint(audit: Audit) -> dict[str, Any]:
    return await audit.issue_checkpoint()


@router.get("/checkpoints", response_model=Page[CheckpointOut], responses=PAGED)
async def list_checkpoints(
    request: Request,
    response: Response,
    audit: Audit,
    after: After = None,
    limit: Annotated[int, at_most(1000)] = 100,
) -> dict[str, Any]:
    """The signed checkpoints, oldest first; the cursor is the checkpoint id."""
    rows = await audit.checkpoints(start(after), limit + 1)
    return paged(request, response, rows, limit, lambda checkpoint: checkpoint["id"])


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
