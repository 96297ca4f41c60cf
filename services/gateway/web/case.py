"""The case overview: the client, stage and episode history, consents, the course as a
timeline, the PHQ-9/GAD-7 chart with the caseness lines, risk, and for auditors who viewed
the case; and the same read outside one's scope as break-glass, with a stated reason."""

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.gateway.views import EXTRA_PARTS
from services.gateway.web.chart import chart
from services.gateway.web.pages import LONDON, _row, signed_in
from services.gateway.web.render import may, page
from services.gateway.web.risk import ACTIONS
from services.gateway.web.sessions import WebSession, form_of
from services.gateway.web.staffapi import StaffApi
from services.gateway.web.state import web_router

router = web_router()
VIEWS_SHOWN = 100


async def case_overview(request: Request, session: WebSession, api: StaffApi) -> Response:
    case_id = request.path_params["case_id"]
    overview = await api.get(f"/gateway/cases/{case_id}/overview", include=_extra(session))
    case, course = overview.get("case") or {}, overview.get("course")
    outcomes, history = overview.get("outcomes"), overview.get("history")
    views, earlier = _views(history) if may(session, "ledger.read") else (None, 0)
    now = datetime.now(LONDON)
    sessions = [
        _row({**s, "reservation_id": s["session_id"], "case_id": case_id}, None, now)
        for s in (course or {}).get("sessions", [])
    ]
    return page(
        request,
        "case.html",
        session,
        case_id=case_id,
        glass=api.reason,
        case=case,
        course=course,
        sessions=sessions,
        forms=overview.get("forms") or [],
        assessments=overview.get("risk_assessments") or [],
        withheld=overview.get("withheld", []),
        chart=chart(outcomes),
        flags=overview.get("risk_flags") or [],
        flag_actions=ACTIONS,
        views=views,
        earlier_views=earlier,
        may_write=may(session, "course.write"),
    )


async def break_glass(request: Request, session: WebSession, api: StaffApi) -> Response:
    """The case overview read outside one's scope, with the stated reason on every read."""
    api.reason = (await form_of(request)).get("reason", "").strip()
    return await case_overview(request, session, api)


def _views(history: dict[str, Any] | None) -> tuple[list[dict[str, Any]], int]:
    """Who viewed the case lately, newest first, as the ledger's replay has it (none while
    the case is not yet in the ledger), and how many earlier views the replay page lists: a
    case read every day for a year would otherwise be a page of thousands of rows."""
    views = list((history or {}).get("state", {}).get("views", []))
    return views[: -VIEWS_SHOWN - 1 : -1], max(0, len(views) - VIEWS_SHOWN)


def _extra(session: WebSession) -> str:
    """The overview's extra parts the page shows, those the member's roles may read at all
    (each still decided for this case by the policy table): one read of the case, one
    scope lookup and one access event for the whole page."""
    return ",".join(part for part, (_, _, action) in EXTRA_PARTS.items() if may(session, action))


router.add_api_route(
    "/cases/{case_id}", signed_in(case_overview), methods=["GET"], include_in_schema=False
)
router.add_api_route(
    "/cases/{case_id}/break-glass",
    signed_in(break_glass, post=True),
    methods=["POST"],
    include_in_schema=False,
)
