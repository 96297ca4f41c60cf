"""The auditor's pages: a case's replay as of a checkpoint (a readable timeline: who did what
when, reads included), the verification of its proofs against the signed checkpoint (the
offline verifier's own checks, services/audit/verifier.py, run here on the case's bundle),
and the bundle to download for the offline verifier."""

import asyncio
import base64
import json
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.audit.verifier import Report, WitnessKey, verify_bundle
from services.gateway.web.pages import signed_in
from services.gateway.web.render import page
from services.gateway.web.sessions import WebSession
from services.gateway.web.staffapi import StaffApi
from services.gateway.web.state import web_router

router = web_router()


def _query(request: Request) -> dict[str, str]:
    found = request.query_params.get("checkpoint", "")
    return {"checkpoint": found} if found.isdigit() else {}


async def replay(request: Request, session: WebSession, api: StaffApi) -> Response:
    """The timeline is read from the bundle the page verifies (its entries are the case's
    events at the checkpoint, as the audit's history lists them): one read of the case, and
    the table shows exactly what was verified."""
    case_id, query = request.path_params["case_id"], _query(request)
    bundle, key = await asyncio.gather(
        api.get(f"/audit/cases/{case_id}/bundle", **query),
        api.get("/audit/checkpoints/public-key"),
    )
    # The ledger's published keys (its own and its witness's); an auditor who pinned them
    # checks the download offline.
    witness = WitnessKey.parse(key["witness_key"]) if key.get("witness_key") else None
    envelopes: dict[str, dict[str, Any]] = {}  # each read once, by the verifier
    report = await asyncio.to_thread(
        verify_bundle, bundle, base64.b64decode(key["public_key"]), None, witness, envelopes
    )
    return page(
        request,
        "replay.html",
        session,
        case_id=case_id,
        anchor=report.anchor,
        events=timeline(bundle, report, envelopes),
        report=report,
        query=query,
    )


def timeline(
    bundle: dict[str, Any], report: Report, envelopes: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The bundle's events in the order they happened (as the audit's replay orders them),
    each envelope as the verifier read it (`envelopes`) or read here. An event is proven
    when the verification found nothing wrong with its entry, nor with the signed checkpoint
    it is proven against."""
    flagged = {f.leaf_index for f in report.findings}  # None: the checkpoint or the bundle
    read = envelopes or {}
    rows = sorted((_row(entry, read) for entry in bundle.get("entries", [])),
                  key=lambda r: r[:2])  # fmt: skip
    return [{**row, "proven": None not in flagged and index not in flagged}
            for _, index, row in rows]  # fmt: skip


def _row(
    entry: dict[str, Any], read: dict[str, dict[str, Any]]
) -> tuple[float, int, dict[str, str]]:
    """(when, leaf index, the row); an envelope that is not an event comes last, as such."""
    index = entry.get("leaf_index")
    index = index if isinstance(index, int) else -1
    try:
        event = read.get(entry["envelope"]) or json.loads(entry["envelope"])
        actor = f"{event['actor']['id']} ({event['actor']['role']})"
        when = datetime.fromisoformat(event["occurred_at"]).timestamp()
        return when, index, {"occurred_at": event["occurred_at"], "type": event["type"],
                             "actor": actor}  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return float("inf"), index, {"occurred_at": "?", "type": "not an event", "actor": "?"}


async def download(request: Request, session: WebSession, api: StaffApi) -> Response:
    case_id = request.path_params["case_id"]
    bundle = await api.get(f"/audit/cases/{case_id}/bundle", **_query(request))
    disposition = f'attachment; filename="case-{case_id}.json"'
    return Response(
        json.dumps(bundle, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": disposition},
    )


router.add_api_route(
    "/audit/cases/{case_id}", signed_in(replay), methods=["GET"], include_in_schema=False
)
router.add_api_route(
    "/audit/cases/{case_id}/bundle", signed_in(download), methods=["GET"], include_in_schema=False
)
