"""What the composed views over many cases share (a therapist's today, a site's risk
dashboard): each case as intake has it (its site, its allocated therapist, the client), the
policy table's decision of each part for each case, and one access event per case shown, as
a read of one case through the staff API records."""

import asyncio
from collections.abc import Iterable
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import structlog
from fastapi import Request

from services.gateway.policy import Scope, decide
from services.gateway.routes import Route
from services.gateway.upstream import Upstream
from shared.identity import Identity

log = structlog.get_logger()
LONDON = ZoneInfo("Europe/London")  # the charity's "today", as scheduling's diaries have it


async def cases_of(upstream: Upstream, case_ids: Iterable[str], cid: str) -> dict[str, Any]:
    """Each case intake knows, asked as the gateway asks for a scope; one it does not know
    (not yet projected, say) is left out."""
    gateway = Identity("gateway", "gateway", (), (), cid)
    ids = list(case_ids)
    answers = await asyncio.gather(
        *(upstream.send("intake", "GET", f"/cases/{case_id}", gateway) for case_id in ids)
    )
    return {c: a.json() for c, a in zip(ids, answers, strict=True) if a.status_code == 200}


def scope_of(case_id: str, case: dict[str, Any]) -> Scope:
    return Scope("case", case.get("site_id"), case.get("therapist_id"), case_id)


def allows(who: Identity, action: str, scope: Scope) -> bool:
    """The policy table's word on one part of one case (never break-glass: a composed view
    shows only what is in the caller's own scope)."""
    return decide(action, who.roles, who.subject, who.sites, scope).allowed


async def record_views(request: Request, who: Identity, route: Route,
                       shown: dict[str, str | None]) -> None:  # fmt: skip
    """One access event per case shown (case id -> its site), saved together."""
    access = request.app.state.access
    await asyncio.gather(
        *(access.viewed(who, UUID(case_id), site, route.gateway_path, route.action, None)
          for case_id, site in shown.items())
    )  # fmt: skip
    log.info("gateway.cases_viewed", view=route.gateway_path, cases=len(shown), role=who.role)
