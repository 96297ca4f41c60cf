"""The waiting list of an intake worker or site manager: each of their sites' waiting cases,
oldest referral first, a page at a time, with the days waited and the 6 and 18 week standards
highlighted; an intake worker allocates a case to a therapist from it."""

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
SHOWN = 500  # rows of a site on a page; the filters narrow a longer list
WITHIN = {"6": "within_6_weeks", "18": "within_18_weeks"}  # whom "waiting past" leaves out


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


async def waiting_list(request: Request, session: WebSession, api: StaffApi) -> Response:
    weeks = request.query_params.get("past_weeks", "")
    weeks = weeks if weeks in WITHIN else ""
    number = _page_number(request.query_params.get("page", ""))
    params = {"limit": SHOWN, "offset": (number - 1) * SHOWN}
    if weeks:
        params["past_weeks"] = int(weeks)
    pages = [api.get(f"/intake/sites/{site}/waiting-list", **params) for site in session.sites]
    counts = [api.get(f"/intake/sites/{site}/waiting-standards") for site in session.sites]
    listed = await asyncio.gather(*pages, *counts)
    rows, standards = listed[: len(pages)], listed[len(pages) :]
    counted = [s["waiting"] - (s[WITHIN[weeks]] if weeks else 0) for s in standards]
    return page(
        request,
        "waiting.html",
        session,
        sites=dict(zip(session.sites, rows, strict=True)),
        counts=dict(zip(session.sites, counted, strict=True)),
        weeks=weeks,
        number=number,
        first=(number - 1) * SHOWN,
        more=any(c > number * SHOWN for c in counted),
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
