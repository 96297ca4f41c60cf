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
BATCH = 100  # the most cases intake's and forms' lookups of many cases take at once


async def cases_of(upstream: Upstream, case_ids: Iterable[str], cid: str) -> dict[str, Any]:
    """Each case intake knows, asked as the gateway asks for a scope, in one lookup of up to
    BATCH cases; one it does not know (not yet projected, say) is left out."""
    gateway = Identity("gateway", "gateway", (), (), cid)
    asked = {str(uuid): case_id for case_id, uuid in _uuids(case_ids).items()}
    answers = await asyncio.gather(
        *(upstream.send("intake", "GET", "/cases", gateway, _query(ids)) for ids in _batches(asked))
    )
    found = (case for a in answers if a.status_code == 200 for case in a.json())
    return {asked[str(case["case_id"])]: case for case in found if str(case["case_id"]) in asked}


async def forms_of(upstream: Upstream, sessions: dict[str, list[str]], cid: str) -> dict[str, Any]:
    """The forms of these sessions of each case (case id -> its session ids), as forms has
    them (`/cases/{case_id}/forms`), asked as the gateway in lookups of up to BATCH cases
    and BATCH sessions; a case forms could not answer for is left out."""
    gateway = Identity("gateway", "gateway", (), (), cid)
    asked = {str(uuid): case_id for case_id, uuid in _uuids(sessions).items()}
    wanted = [(c, [str(s) for s in _uuids(sessions[case_id]).values()])
              for c, case_id in asked.items()]  # fmt: skip
    queries = [_query([c for c, _ in batch]) + b"&"
               + _query([s for _, ids in batch for s in ids], "session_id")
               for batch in _session_batches([(c, ids) for c, ids in wanted if ids])]  # fmt: skip
    answers = await asyncio.gather(
        *(upstream.send("forms", "GET", "/forms", gateway, query) for query in queries)
    )
    found = (each for a in answers if a.status_code == 200 for each in a.json())
    return {asked[str(e["case_id"])]: e["forms"] for e in found if str(e["case_id"]) in asked}


def _uuids(case_ids: Iterable[str]) -> dict[str, UUID]:
    """The ids that are UUIDs (no other can name a case or session), each once."""
    found: dict[str, UUID] = {}
    for case_id in case_ids:
        try:
            found[case_id] = UUID(case_id)
        except ValueError:
            continue
    return found


def _batches(ids: Iterable[str]) -> list[list[str]]:
    listed = list(ids)
    return [listed[i : i + BATCH] for i in range(0, len(listed), BATCH)]


Batch = list[tuple[str, list[str]]]


def _session_batches(wanted: Batch) -> list[Batch]:
    """Cases with their sessions, up to BATCH of each in a batch (a case's sessions of a
    week are a handful: never more than BATCH)."""
    batches: list[Batch] = [[]]
    for case_id, ids in wanted:
        last = batches[-1]
        if len(last) == BATCH or sum(len(s) for _, s in last) + len(ids) > BATCH:
            batches.append(last := [])
        last.append((case_id, ids[:BATCH]))
    return [batch for batch in batches if batch]


def _query(ids: list[str], name: str = "case_id") -> bytes:
    return "&".join(f"{name}={value}" for value in ids).encode()


def scope_of(case_id: str, case: dict[str, Any]) -> Scope:
    return Scope("case", case.get("site_id"), case.get("therapist_id"), case_id)


def allows(who: Identity, action: str, scope: Scope) -> bool:
    """The policy table's word on one part of one case (never break-glass: a composed view
    shows only what is in the caller's own scope)."""
    return decide(action, who.roles, who.subject, who.sites, scope).allowed


async def record_views(request: Request, who: Identity, route: Route,
                       shown: dict[str, str | None]) -> None:  # fmt: skip
    """One access event per case shown (case id -> its site), saved together in one
    transaction: the view is recorded for every case or for none."""
    if shown:
        access = request.app.state.access
        cases = {UUID(case_id): site for case_id, site in shown.items()}
        await access.viewed_cases(who, cases, route.gateway_path, route.action)
    log.info("gateway.cases_viewed", view=route.gateway_path, cases=len(shown), role=who.role)
