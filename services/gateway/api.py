"""The gateway's routes: one per row of the route table, plus the gateway's own (the
break-glass list), each decided by the same policy table."""

from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from services.gateway import readmodel
from services.gateway.policy import Scope
from services.gateway.proxy import handler_for
from services.gateway.riskboard import RISK_DASHBOARD
from services.gateway.riskboard import router as risk_router
from services.gateway.routes import ROUTES, Route, check
from services.gateway.today import TODAY
from services.gateway.today import router as today_router
from services.gateway.views import CASE_OVERVIEW, case_overview
from shared.identity import Identity

BREAK_GLASS = Route("GET", "gateway", "/sites/{site_id}/break-glass", "access.read", "site")
LOCAL_ROUTES = [BREAK_GLASS, CASE_OVERVIEW, TODAY, RISK_DASHBOARD]
router = APIRouter()
router.include_router(today_router)
router.include_router(risk_router)
check(ROUTES + LOCAL_ROUTES)


async def _break_glass(request: Request, who: Identity, scope: Scope) -> Response:
    limit = int(request.query_params.get("limit", "100"))
    rows = await readmodel.break_glass_reads(request.app.state.runtime.pool, scope.site_id or "",
                                             max(1, min(limit, 1000)))  # fmt: skip
    return JSONResponse([{**row, "access_id": str(row["access_id"]), "case_id": str(row["case_id"]),
                          "at": row["at"].isoformat()} for row in rows])  # fmt: skip


_handle_break_glass = handler_for(BREAK_GLASS, _break_glass)


@router.get(BREAK_GLASS.gateway_path, tags=["gateway"], responses={403: {}, 401: {}})
async def break_glass_reads(request: Request, site_id: str,
                            limit: int = Query(100, ge=1, le=1000)) -> Any:  # fmt: skip
    """Break-glass reads of the site's cases, newest first: who, as what role, which view,
    and the reason they gave (permission `access.read`: site managers, auditors)."""
    return await _handle_break_glass(request)


def all_routes(app: FastAPI) -> list[Route]:
    return ROUTES + LOCAL_ROUTES


_handle_overview = handler_for(CASE_OVERVIEW, case_overview)


@router.get(CASE_OVERVIEW.gateway_path, tags=["gateway"], responses={403: {}, 401: {}})
async def overview_of_a_case(
    request: Request,
    case_id: str,
    include: str | None = Query(None, description="extra parts, comma-separated: outcomes"
                                " (PHQ-9/GAD-7 series), history (the case's replay in the ledger)"),
) -> Any:  # fmt: skip
    """A case with its course, forms, risk assessments and risk flags (open, and acknowledged
    with who acknowledged them and the action taken) from intake, scheduling and forms, and
    the extra parts asked for; a part the caller may not see is named in `withheld`
    (permission `case.read`; each part needs its own: ledger.read for the history)."""
    return await _handle_overview(request)


# The table's routes after the gateway's own: FastAPI tries a request against each route in
# turn, and a composed view was matched against every one of the table's first (0.3 ms).
# Plain Starlette routes: their handler reads the request itself, so FastAPI's dependency
# solving had nothing to do but cost 0.1 ms a request (the handler refuses Starlette's HEAD).
for route in ROUTES:
    router.add_route(route.gateway_path, handler_for(route), methods=[route.method],
                     include_in_schema=False)  # fmt: skip
