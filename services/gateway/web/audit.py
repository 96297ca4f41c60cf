"""The auditor's pages: a case's replay as of a checkpoint (a readable timeline: who did what
when, reads included), the verification of its proofs against the signed checkpoint (the
offline verifier's own checks, services/audit/verifier.py, run here on the case's bundle),
and the bundle to download for the offline verifier."""

import asyncio
import base64
import json

from fastapi import Request
from fastapi.responses import Response

from services.audit.verifier import WitnessKey, verify_bundle
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
    case_id, query = request.path_params["case_id"], _query(request)
    history, bundle, key = await asyncio.gather(
        # The table shows whether each event is proven, not its proof: the bundle's proofs,
        # which the page verifies itself below, are the hashes.
        api.get(f"/audit/cases/{case_id}/history", proofs="false", **query),
        api.get(f"/audit/cases/{case_id}/bundle", **query),
        api.get("/audit/checkpoints/public-key"),
    )
    # The ledger's published keys (its own and its witness's); an auditor who pinned them
    # checks the download offline.
    witness = WitnessKey.parse(key["witness_key"]) if key.get("witness_key") else None
    report = await asyncio.to_thread(
        verify_bundle, bundle, base64.b64decode(key["public_key"]), None, witness
    )
    return page(
        request,
        "replay.html",
        session,
        case_id=case_id,
        history=history,
        report=report,
        query=query,
    )


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
