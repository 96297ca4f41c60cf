"""The risk dashboard of a supervisor or duty clinician: the open flags of their sites,
escalations first then oldest first, with their age; acknowledged with the action taken."""

import asyncio
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.gateway.web.pages import signed_in
from services.gateway.web.render import page
from services.gateway.web.sessions import WebSession, form_of
from services.gateway.web.staffapi import StaffApi
from services.gateway.web.state import web_router

router = web_router()
ACTIONS = {
    "contacted_client": "Contacted the client",
    "safety_plan_reviewed": "Reviewed the safety plan",
    "crisis_team_referral": "Referred to the crisis team",
    "emergency_services": "Called the emergency services",
    "gp_informed": "Informed the GP",
    "safeguarding_referral": "Made a safeguarding referral",
    "reviewed_no_further_action": "Reviewed: no further action",
}


def age(seconds: float) -> str:
    hours = int(seconds // 3600)
    return (
        f"{hours // 24} d {hours % 24} h"
        if hours >= 24
        else f"{hours} h {int(seconds % 3600 // 60)} min"
    )


async def dashboard(request: Request, session: WebSession, api: StaffApi) -> Response:
    """Each of the member's sites' risk dashboard as the staff API composes it."""
    listed = await asyncio.gather(
        *(api.get(f"/gateway/sites/{site}/risk-dashboard") for site in session.sites)
    )
    flags: list[dict[str, Any]] = [
        {**f, "age": age(f["age_seconds"])} for found in listed for f in found["open_flags"]
    ]
    flags.sort(key=lambda f: (not f["escalated"], -f["age_seconds"]))
    return page(
        request,
        "risk.html",
        session,
        flags=flags,
        actions=ACTIONS,
        done=request.query_params.get("done"),
    )


async def acknowledge(request: Request, session: WebSession, api: StaffApi) -> Response:
    flag_id = request.path_params["flag_id"]
    form = await form_of(request)
    body = {"action": str(form.get("action") or ""), "note": str(form.get("note") or "").strip()}
    await api.post(f"/forms/risk-flags/{flag_id}/acknowledgement", body)
    return RedirectResponse(f"/web/risk?done={flag_id}", status_code=303)


router.add_api_route("/risk", signed_in(dashboard), methods=["GET"], include_in_schema=False)
router.add_api_route(
    "/risk/{flag_id}/acknowledgement",
    signed_in(acknowledge, post=True),
    methods=["POST"],
    include_in_schema=False,
)
