"""One handler for every route of the table: authenticate, limit, find the scope, decide by
the policy table, pass the request on with the identity assertion, record a case read."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import structlog
from fastapi import Request
from fastapi.responses import Response

from services.gateway.policy import Decision, Scope, decide
from services.gateway.routes import Route
from services.gateway.scope import LookupFailed, scope_of
from services.gateway.tokens import Principal, Unauthenticated
from services.gateway.upstream import Unavailable, passed_through, unavailable
from shared.envelope import CONTROL_CHARACTERS
from shared.http_errors import invalid, problem
from shared.identity import Identity
from shared.logging import current_correlation_id, new_correlation_id

log = structlog.get_logger()
REASON_HEADER = "x-break-glass-reason"
REASON_LENGTH = (10, 500)
Handler = Callable[[Request], Awaitable[Response]]


Local = Callable[[Request, Identity, Scope], Awaitable[Response]]
# Each route's handler by method and gateway path, as made: the web app's pages call them in
# process (web/inprocess.py), through the same checks as a request from outside.
HANDLERS: dict[tuple[str, str], Handler] = {}


def handler_for(route: Route, local: Local | None = None) -> Handler:
    """`local` answers a route of the gateway itself (its break-glass list, its views)."""

    async def handle(request: Request) -> Response:
        if request.method != route.method:  # a HEAD Starlette adds beside a GET: nothing shown
            return problem(405, "Method not allowed", f"{route.gateway_path} takes {route.method}",
                           {"Allow": route.method})  # fmt: skip
        state = request.app.state
        cid = current_correlation_id() or new_correlation_id()
        try:
            principal = await _principal(route, request)
        except Unauthenticated as error:
            answer = problem(401, "Not authenticated", str(error))
            answer.headers["WWW-Authenticate"] = 'Bearer realm="rapport"'
            return answer
        wait = state.rate_limit.retry_after(principal.token_id)
        if wait is not None:
            detail = "Too many requests with this token; retry after the given seconds."
            return problem(429, "Too many requests", detail, {"Retry-After": str(wait)})
        if CONTROL_CHARACTERS.search(request.url.path):  # no service could be asked for it
            return invalid("path", "holds a control character")
        reason = request.headers.get(REASON_HEADER)
        if reason is not None and not _reason_ok(reason):
            return invalid("header.x-break-glass-reason", "10 to 500 printable characters")
        body = await request.body()
        try:
            scope = await _scope(route, request, body, cid)
            decision = decide(route.action, principal.roles, principal.subject,
                              principal.sites, scope, reason)  # fmt: skip
            if not decision.allowed:
                return problem(403, "Forbidden", f"Missing permission: {decision.missing}")
            who = Identity(principal.subject, decision.role or "", principal.roles,
                           principal.sites, cid, decision.break_glass)  # fmt: skip
            if local is not None:
                return await _locally(local, request, route, who, scope, decision, reason)
            response = passed_through(await state.upstream.send(
                route.service, route.method, _upstream_path(route, request), who,
                request.url.query.encode(), body, dict(request.headers),
            ))  # fmt: skip
        except LookupFailed as failed:
            return passed_through(failed.answer)
        except Unavailable as error:
            return unavailable(error)
        if route.shows_a_case and response.status_code < 300:
            await _record(request, route, who, scope, decision, reason)
        return response

    handle.__name__ = f"{route.method.lower()}_{route.gateway_path}"
    HANDLERS[route.method, route.gateway_path] = handle
    return handle


async def _principal(route: Route, request: Request) -> Principal:
    if route.kind == "public":  # the form link authenticates by its own token
        return Principal(
            "client-link", ("client",), (), request.client.host if request.client else ""
        )
    return await request.app.state.tokens.principal(request.headers.get("authorization"))  # type: ignore[no-any-return]


async def _locally(local: Local, request: Request, route: Route, who: Identity, scope: Scope,
                   decision: Decision, reason: str | None) -> Response:  # fmt: skip
    """A local view of a case shows it whatever its parts answer (a part it cannot have is
    null), so its access event is saved while the parts are fetched: the read waits for the
    slower of the two, not for both. Nothing is answered before the event is saved."""
    if not route.shows_a_case:
        return await local(request, who, scope)
    recording = asyncio.ensure_future(_record(request, route, who, scope, decision, reason))
    try:
        response = await local(request, who, scope)
    finally:
        await recording  # its failure is the request's (500): no read goes unrecorded
    return response


async def _scope(route: Route, request: Request, body: bytes, cid: str) -> Scope:
    """The answers of the lookups stay on the request for a local view to show (views.py)."""
    seen = request.state.lookups = {}
    upstream = request.app.state.upstream
    return await scope_of(route, dict(request.path_params), body, upstream, cid, seen)


def _upstream_path(route: Route, request: Request) -> str:
    return request.url.path.removeprefix(f"/{route.service}") or "/"


def _reason_ok(reason: str) -> bool:
    low, high = REASON_LENGTH
    return low <= len(reason.strip()) <= high and reason.isprintable()


async def _record(request: Request, route: Route, who: Identity, scope: Scope,
                  decision: Decision, reason: str | None) -> None:  # fmt: skip
    case_id = _case_id_of(request.path_params, scope)
    if case_id is None:
        return
    access = await request.app.state.access.viewed(
        who, case_id, scope.site_id, route.gateway_path, route.action,
        reason if decision.break_glass else None,
    )  # fmt: skip
    log.info("gateway.case_viewed", case_id=str(case_id), access_id=str(access),
             role=who.role, break_glass=decision.break_glass)  # fmt: skip


def _case_id_of(params: dict[str, Any], scope: Scope) -> UUID | None:
    found = scope.case_id or params.get("case_id")
    try:
        return UUID(str(found)) if found else None
    except ValueError:
        return None
