"""Site reports for a site manager (and supervisors, auditors): waiting-time standards of the
clients waiting now, recovery and reliable improvement rates by month with a chart, the
feedback summary, and the break-glass reads of the site to review."""

import asyncio
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.gateway.web.pages import LONDON, signed_in
from services.gateway.web.render import may, page
from services.gateway.web.sessions import WebSession
from services.gateway.web.staffapi import StaffApi
from services.gateway.web.state import web_router

router = web_router()
MONTHS = 6


def last_months(today: date, count: int = MONTHS) -> list[str]:
    year, month, found = today.year, today.month, []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


async def _none() -> None:
    return None


async def site_report(api: StaffApi, session: WebSession, site: str) -> dict[str, Any]:
    months = last_months(datetime.now(LONDON).date())
    feedback, standards, glass, *outcomes = await asyncio.gather(  # all at once: one wait
        api.get(f"/forms/sites/{site}/feedback"),
        api.maybe(f"/intake/sites/{site}/waiting-standards")
        if may(session, "waiting_list.read")
        else _none(),
        api.maybe(f"/gateway/sites/{site}/break-glass") if may(session, "access.read") else _none(),
        *(api.get(f"/forms/sites/{site}/outcomes", month=m) for m in months),
    )
    return {
        "site": site,
        "outcomes": outcomes,
        "feedback": feedback,
        "standards": standards,
        "break_glass": glass,
    }


async def reports(request: Request, session: WebSession, api: StaffApi) -> Response:
    found = await asyncio.gather(*(site_report(api, session, s) for s in session.sites))
    return page(request, "reports.html", session, reports=found)


router.add_api_route("/reports", signed_in(reports), methods=["GET"], include_in_schema=False)
