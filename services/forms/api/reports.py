"""Outcome routes: a case's scores and outcome, its chart (SVG), a site's monthly outcome
report and its PEQ feedback summary."""

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from services.forms.api.deps import Queries
from services.forms.api.schemas import SiteId
from services.forms.chart import outcome_chart
from shared.actor import RequestMeta

router = APIRouter(tags=["outcomes"])


@router.get("/cases/{case_id}/outcomes")
async def case_outcomes(case_id: UUID, queries: Queries, _: RequestMeta) -> dict[str, Any]:
    """PHQ-9 and GAD-7 by session with the caseness lines; first to last: reliable
    improvement, recovery, reliable recovery."""
    return await queries.outcomes(case_id)


@router.get("/cases/{case_id}/outcomes/chart.svg", response_class=Response)
async def outcome_chart_svg(case_id: UUID, queries: Queries, _: RequestMeta) -> Response:
    series = (await queries.outcomes(case_id))["series"]
    svg = await asyncio.to_thread(outcome_chart, series)
    return Response(svg, media_type="image/svg+xml")


@router.get("/sites/{site_id}/outcomes")
async def site_report(
    site_id: SiteId,
    queries: Queries,
    _: RequestMeta,
    month: str = Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM"),
) -> dict[str, Any]:
    return await queries.site_report(site_id, date.fromisoformat(f"{month}-01"))


@router.get("/sites/{site_id}/feedback")
async def feedback(site_id: SiteId, queries: Queries, _: RequestMeta) -> dict[str, Any]:
    """The PEQ's answers counted per item, and the satisfaction mean; no client identifiable."""
    return await queries.feedback(site_id)
