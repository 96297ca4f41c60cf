"""Routes for auditors: a case's replayed history, and bundles for the offline verifier."""

import json
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import PlainTextResponse

from services.audit.api.deps import Audit, CheckpointId
from services.audit.api.pages import PAGED, After, at_most, paged, start
from services.audit.errors import InvalidRequest
from services.audit.timeline import render

router = APIRouter()
At = Annotated[
    datetime | None,
    Query(description="RFC 3339 with an offset: only events that occurred by then"),
]


Proofs = Annotated[
    bool,
    Query(description="false: each event says whether it is `proven` without the proof's"
          " hashes (a smaller answer for a reader that shows the history; the case's bundle"
          " carries them for the offline verifier)"),
]  # fmt: skip


# A history or a bundle holds hundreds of events with their proofs: encoded by the json module
# at once, not walked value by value by FastAPI's jsonable_encoder first (which cost more
# than the encoding); what json cannot encode itself still goes through it. Escaped to ASCII
# (a third faster; the same strings once parsed, so an envelope hashes to the same leaf).
OBJECT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}}}
}


class JSONObject(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, check_circular=False, allow_nan=False, separators=(",", ":"),
                          default=jsonable_encoder).encode()  # fmt: skip


@router.get("/cases/{case_id}/history", response_model=None, responses=OBJECT)
async def case_history(
    case_id: UUID,
    audit: Audit,
    checkpoint: CheckpointId = None,
    at: At = None,
    format: Literal["json", "text"] = "json",
    proofs: Proofs = True,
) -> Response:
    """Every event of the case with its actor, time and inclusion proof against the
    checkpoint (the latest if none is given), and the case's state rebuilt from them. With
    `at`, only the events that had occurred by then: the case as it stood at that moment."""
    history = await audit.case_history(case_id, checkpoint, _aware(at))
    if format == "text":
        return PlainTextResponse(render(history))
    if not proofs:
        for event in history["events"]:
            del event["inclusion_proof"]
    return JSONObject(history)


@router.get("/cases/{case_id}/bundle", response_model=None, responses=OBJECT)
async def case_bundle(
    case_id: UUID, audit: Audit, checkpoint: CheckpointId = None, at: At = None
) -> Response:
    """The case's entries and proofs for the offline verifier (format: verifier.py)."""
    return JSONObject(await audit.case_bundle(case_id, checkpoint, _aware(at)))


@router.get("/ledger/bundle")
async def ledger_bundle(
    audit: Audit,
    checkpoint: CheckpointId = None,
    since: Annotated[int, Query(ge=0, description="the first checkpoint id to include")] = 0,
) -> dict[str, Any]:
    """A whole-ledger bundle without its entries: the checkpoints from `since` up to this one,
    and the consistency proofs between them. The entries come in pages from
    /ledger/bundle/entries."""
    return await audit.ledger_bundle_head(checkpoint, since)


@router.get("/ledger/bundle/entries", responses=PAGED)
async def ledger_bundle_entries(
    request: Request,
    response: Response,
    audit: Audit,
    checkpoint: Annotated[int, Query(ge=1)],
    after: After = None,
    limit: Annotated[int, at_most(5000)] = 1000,
) -> dict[str, Any]:
    """A page of a whole-ledger bundle's entries with their inclusion proofs against the
    checkpoint, in leaf order: `{"items": [...], "next": ...}`, the cursor a leaf index."""
    found = await audit.ledger_bundle_entries(checkpoint, start(after), limit + 1)
    return paged(request, response, found["entries"], limit, lambda entry: entry["leaf_index"])


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise InvalidRequest("`at` needs a UTC offset, e.g. 2025-03-03T09:00:00Z")
    return at
