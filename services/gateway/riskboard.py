"""A site's risk dashboard (composed view) for its supervisors, duty clinicians and site
managers: the open risk flags of the site, escalations first, each oldest first with its age
(permission `risk.read` on the site). Each case listed is an access event."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.gateway.caseparts import record_views
from services.gateway.policy import Scope
from services.gateway.proxy import handler_for
from services.gateway.routes import Route
from services.gateway.upstream import Upstream, passed_through
from shared.identity import Identity

RISK_DASHBOARD = Route("GET", "gateway", "/sites/{site_id}/risk-dashboard", "risk.read", "site")
FIELDS = ("flag_id", "case_id", "form_id", "level", "codes", "escalated", "raised_at",
          "age_seconds")  # fmt: skip
router = APIRouter()


async def site_risk(request: Request, who: Identity, scope: Scope) -> Response:
    upstream: Upstream = request.app.state.upstream
    answer = await upstream.send("forms", "GET", f"/sites/{scope.site_id}/risk-flags", who)
    if answer.status_code != 200:
        return passed_through(answer)
    flags = [{k: f[k] for k in FIELDS} for f in answer.json()]
    flags.sort(key=lambda f: (not f["escalated"], -f["age_seconds"]))
    await record_views(request, who, RISK_DASHBOARD, {f["case_id"]: scope.site_id for f in flags})
    return JSONResponse({"site_id": scope.site_id,
                         "escalations": sum(f["escalated"] for f in flags),
                         "open_flags": flags})  # fmt: skip


_handle = handler_for(RISK_DASHBOARD, site_risk)


@router.get(RISK_DASHBOARD.gateway_path, tags=["gateway"], responses={403: {}, 401: {}})
async def risk_dashboard_of_a_site(request: Request, site_id: str) -> Any:
    """The site's open risk flags, escalations first, each oldest first with its age in
    seconds (permission `risk.read` on the site)."""
    return await _handle(request)
