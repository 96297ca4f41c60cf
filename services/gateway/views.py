"""Composed views: one request of a staff app, several services behind it, each part shown
only when the policy table allows its own action to the caller (a part withheld is named)."""

import asyncio
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from services.gateway.policy import Scope, decide
from services.gateway.routes import Route
from services.gateway.upstream import Upstream
from shared.identity import Identity

CASE_OVERVIEW = Route("GET", "gateway", "/cases/{case_id}/overview", "case.read", "case")
# part -> (service, path, action)
OVERVIEW_PARTS = {
    "case": ("intake", "/cases/{case_id}", "case.read"),
    "course": ("scheduling", "/cases/{case_id}/course", "course.read"),
    "forms": ("forms", "/cases/{case_id}/forms", "forms.read"),
    "risk_assessments": ("forms", "/cases/{case_id}/risk-assessments", "risk.read"),
    "risk_flags": ("forms", "/cases/{case_id}/risk-flags", "risk.read"),
}


async def case_overview(request: Request, who: Identity, scope: Scope) -> Response:
    """The case, its course, its forms, risk assessments and risk flags (open and
    acknowledged), as far as the caller may see."""
    upstream: Upstream = request.app.state.upstream
    case_id = str(scope.case_id)
    allowed, withheld = {}, []
    for part, (service, path, action) in OVERVIEW_PARTS.items():
        decision = decide(action, who.roles, who.subject, who.sites, scope,
                          "break-glass" if who.break_glass else None)  # fmt: skip
        if decision.allowed:
            allowed[part] = (service, path.format(case_id=case_id))
        elif action not in withheld:
            withheld.append(action)
    answers = await asyncio.gather(
        *(upstream.send(service, "GET", path, who) for service, path in allowed.values())
    )
    body: dict[str, Any] = {"case_id": case_id, "withheld": withheld}
    for part, answer in zip(allowed, answers, strict=True):
        body[part] = answer.json() if answer.status_code == 200 else None
    return JSONResponse(body)
