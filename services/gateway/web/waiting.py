"""The waiting list of an intake worker or site manager: each of their sites' waiting cases,
oldest referral first, with the days waited and the 6 and 18 week standards highlighted;
an intake worker allocates a case to a therapist from it."""

import asyncio
from datetime import datetime

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.gateway.web.pages import LONDON, signed_in
from services.gateway.web.render import may, page
from services.gateway.web.sessions import WebSession, form_of
from services.gateway.web.staffapi import StaffApi
from services.gateway.web.state import web_router

router = web_router()
SHOWN = 500  # rows per site; the filters narrow a longer list


async def waiting_list(request: Request, session: WebSession, api: StaffApi) -> Response:
    weeks = request.query_params.get("past_weeks", "")
    params = {"past_weeks": weeks} if weeks in ("6", "18") else {}
    listed = await asyncio.gather(
        *(api.get(f"/intake/sites/{site}/waiting-list", **params) for site in session.sites)
    )
    sites = {site: rows[:SHOWN] for site, rows in zip(session.sites, listed, strict=True)}
    longer = {site: len(rows) for site, rows in zip(session.sites, listed, strict=True)}
    return page(
        request,
        "waiting.html",
        session,
        sites=sites,
        counts=longer,
        weeks=weeks,
        may_allocate=may(session, "case.intake"),
        today=datetime.now(LONDON).date().isoformat(),
        done=request.query_params.get("done"),
    )


async def allocate(request: Request, session: WebSession, api: StaffApi) -> Response:
    case_id, form = request.path_params["case_id"], await form_of(request)
    body = {
        "therapist_id": form.get("therapist_id", "").strip(),
        "allocated_on": form.get("allocated_on", ""),
    }
    await api.post(f"/intake/cases/{case_id}/allocation", body)
    return RedirectResponse(f"/web/waiting?done={case_id}", status_code=303)


router.add_api_route("/waiting", signed_in(waiting_list), methods=["GET"], include_in_schema=False)
router.add_api_route(
    "/waiting/{case_id}/allocation",
    signed_in(allocate, post=True),
    methods=["POST"],
    include_in_schema=False,
)
