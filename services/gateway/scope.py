"""What a route acts on, found before the policy decides: the case's site and allocated
therapist (asked of intake), a site, an enquiry's site, a therapist. A lookup the service
answers with an error (404, 422) becomes the answer to the caller. Each answer is kept in
`seen` (service and path), so a composed view shows intake's case without asking twice."""

import json
from typing import Any
from uuid import UUID

from services.gateway.policy import Scope
from services.gateway.routes import Route
from services.gateway.upstream import Answer, Upstream, json_of
from shared.identity import Identity


class LookupFailed(Exception):
    def __init__(self, answer: Answer):
        super().__init__(answer.status_code)
        self.answer = answer


Seen = dict[tuple[str, str], Answer]


async def scope_of(route: Route, params: dict[str, str], body: bytes, upstream: Upstream,
                   correlation_id: str, seen: Seen | None = None) -> Scope:  # fmt: skip
    gateway = Identity("gateway", "gateway", (), (), correlation_id)

    async def get(service: str, path: str) -> dict[str, Any]:
        answer = await upstream.send(service, "GET", path, gateway)
        if answer.status_code != 200:
            raise LookupFailed(answer)
        if seen is not None:
            seen[service, path] = answer
        return json_of(answer)

    if route.kind == "case":
        case_id = params.get("case_id")
        if case_id is None and "form_id" in params:
            case_id = str((await get("forms", f"/forms/{_id(params['form_id'])}"))["case_id"])
        elif case_id is None and "flag_id" in params:
            flag = await get("forms", f"/risk-flags/{_id(params['flag_id'])}")
            case_id = str(flag["case_id"])
        case = await get("intake", f"/cases/{_id(case_id)}")
        return Scope("case", case.get("site_id"), case.get("therapist_id"), _id(case_id))
    if route.kind == "enquiry":
        enquiry = await get("intake", f"/enquiries/{_id(params['enquiry_id'])}")
        return Scope("site", enquiry.get("site_id"))
    if route.kind == "site":
        return Scope("site", params.get("site_id") or _body_site(body))
    if route.kind == "therapist":
        return Scope("therapist", therapist_id=params.get("therapist_id", params.get("staff_id")))
    return Scope(route.kind)


def _id(value: str | None) -> str:
    """A path id as the service will read it; anything else is the service's 422 to give."""
    try:
        return str(UUID(str(value)))
    except ValueError:
        return str(value).replace("/", "%2F")


def _body_site(body: bytes) -> str | None:
    try:
        found = json.loads(body or b"{}")
    except ValueError:
        return None
    site = found.get("site_id") if isinstance(found, dict) else None
    return site if isinstance(site, str) else None
