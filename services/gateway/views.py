"""Composed views: one request of a staff app, several services behind it, each part shown
only when the policy table allows its own action to the caller (a part withheld is named)."""

import asyncio
import json

from fastapi import Request
from fastapi.responses import Response

from services.gateway.policy import Scope, decide
from services.gateway.routes import Route
from services.gateway.scope import Seen
from services.gateway.upstream import Answer, Unavailable, Upstream
from shared.http_errors import invalid
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
# parts shown only when asked for (?include=outcomes,history): the web app's case page shows
# them in the same read, so one scope lookup and one access event, not one per part
EXTRA_PARTS = {
    "outcomes": ("forms", "/cases/{case_id}/outcomes", "forms.read"),
    "history": ("audit", "/cases/{case_id}/history", "ledger.read"),
}


async def case_overview(request: Request, who: Identity, scope: Scope) -> Response:
    """The case, its course, its forms, risk assessments and risk flags (open and
    acknowledged), and the extra parts asked for, as far as the caller may see; a part whose
    service cannot be reached is null and named in `unavailable`."""
    upstream: Upstream = request.app.state.upstream
    seen: Seen = getattr(request.state, "lookups", {})
    case_id = str(scope.case_id)
    extra = [p for p in request.query_params.get("include", "").split(",") if p]
    if unknown := sorted(set(extra) - set(EXTRA_PARTS)):
        return invalid("query.include", f"unknown parts {unknown}; known: {sorted(EXTRA_PARTS)}")
    asked = OVERVIEW_PARTS | {part: EXTRA_PARTS[part] for part in EXTRA_PARTS if part in extra}
    allowed, withheld = {}, []
    for part, (service, path, action) in asked.items():
        decision = decide(action, who.roles, who.subject, who.sites, scope,
                          "break-glass" if who.break_glass else None)  # fmt: skip
        if decision.allowed:
            allowed[part] = (service, path.format(case_id=case_id))
        elif action not in withheld:
            withheld.append(action)
    answers = await asyncio.gather(
        *(_part(upstream, seen, service, path, who) for service, path in allowed.values())
    )
    unavailable = [part for part, answer in zip(allowed, answers, strict=True) if answer is None]
    head = json.dumps({"case_id": case_id, "withheld": withheld, "unavailable": unavailable})
    parts = b"".join(b',"%s":%s' % (part.encode(), _json(answer))
                     for part, answer in zip(allowed, answers, strict=True))  # fmt: skip
    return Response(head[:-1].encode() + parts + b"}", media_type="application/json")


async def _part(upstream: Upstream, seen: Seen, service: str, path: str,
                who: Identity) -> Answer | None:  # fmt: skip
    """The services answer a read the same whoever asks (the gateway decides what is shown),
    so intake's answer to the scope's lookup of the case is the case part."""
    if (service, path) in seen:
        return seen[service, path]
    try:
        return await upstream.send(service, "GET", path, who)
    except Unavailable:
        return None


def _json(answer: Answer | None) -> bytes:
    """The service's JSON as it sent it (not decoded and encoded again), or null."""
    if answer is None or answer.status_code != 200 or not answer.is_json():
        return b"null"
    return answer.content
