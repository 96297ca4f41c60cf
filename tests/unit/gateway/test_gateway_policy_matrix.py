"""Every route of the gateway, for every role, on an object in and out of the caller's
scope: allowed (the request reaches the service, with the role that allowed it) or refused
with 403 naming the permission, as the policy table says. A route the app serves that is
not in the route table, or a service operation the gateway does not route, fails here."""

import re
from typing import Any

import pytest
from starlette.routing import Route as Served

from services.gateway.api import LOCAL_ROUTES
from services.gateway.policy import READS, ROLES, TABLE
from services.gateway.routes import ROUTES, Route
from tests.unit.gateway.gateway_app import (
    CASE_IN,
    CASE_OUT,
    ENQ_IN,
    ENQ_OUT,
    FLAG_IN,
    FLAG_OUT,
    FORM_IN,
    FORM_OUT,
    client,
    gateway_app,
)

EVERY_ROUTE = ROUTES + LOCAL_ROUTES
OPEN = {"/openapi.json", "/docs", "/health/live", "/health/ready", "/metrics"}


def caller(role: str) -> str:
    return f"{role}.north"


def path_of(route: Route, role: str, inside: bool) -> str:
    values = {
        "case_id": CASE_IN if inside else CASE_OUT, "form_id": FORM_IN if inside else FORM_OUT,
        "flag_id": FLAG_IN if inside else FLAG_OUT, "enquiry_id": ENQ_IN if inside else ENQ_OUT,
        "site_id": "north" if inside else "south",
        "therapist_id": caller(role) if inside else "someone.else",
        "staff_id": caller(role) if inside else "someone.else",
    }  # fmt: skip
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x1"), route.gateway_path)


def expected(route: Route, role: str, inside: bool) -> bool:
    """The table's words: the role must hold the action; "any" and scope-less routes need
    nothing more; a site role sees any therapist (no staff directory); otherwise the object
    must be in scope (the caller's site; for "own", a case allocated to them)."""
    if route.kind == "public":
        return True
    rule = TABLE[role].get(route.action)
    if rule is None:
        return False
    if rule == "any" or route.kind == "global":
        return True
    if route.kind == "therapist" and rule == "site":
        return True
    if rule == "own" and route.kind not in ("case", "therapist"):
        return False  # "own" is the caller's cases and diary, never a whole site
    return inside


@pytest.fixture(scope="module")
def gateway() -> Any:
    return gateway_app()


@pytest.mark.parametrize("route", EVERY_ROUTE, ids=lambda r: f"{r.method} {r.gateway_path}")
async def test_each_role_in_and_out_of_scope_gets_what_the_table_says(gateway: Any, route: Route):
    app, fakes = gateway
    async with client(app) as http:
        for role in ROLES:
            token = fakes.token(caller(role), [role], ["north"])
            for inside in (True, False):
                path = path_of(route, role, inside)
                body = {"site_id": "north" if inside else "south"}
                answer = await http.request(
                    route.method, path, json=body, headers={"Authorization": f"Bearer {token}"}
                )
                cell = f"{role} {'in' if inside else 'out of'} scope: {route.method} {path}"
                if expected(route, role, inside):
                    assert answer.status_code == 200, f"{cell} refused: {answer.text}"
                else:
                    assert answer.status_code == 403, f"{cell} allowed: {answer.status_code}"
                    assert route.action in answer.json()["detail"], cell


async def test_what_reached_a_service_names_the_role_that_allowed_it(gateway: Any):
    app, fakes = gateway
    token = fakes.token("supervisor.north", ["therapist", "supervisor"], ["north"])
    async with client(app) as http:
        answer = await http.get(
            f"/intake/cases/{CASE_IN}", headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200
    service, request, who = fakes.reached[-1]
    assert (service, request) == ("intake", f"GET /cases/{CASE_IN}")
    assert (who.subject, who.role, who.sites) == ("supervisor.north", "supervisor", ("north",))


def api_routes(routes: list[Any]) -> list[Served]:
    """The app's routes, those of included routers too (FastAPI wraps them); the table's are
    plain Starlette routes, the gateway's own FastAPI's."""
    found: list[Served] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += api_routes(inner.routes) if inner else [route] if isinstance(route, Served) else []
    return found


def test_every_route_the_gateway_serves_is_in_the_route_table(gateway: Any):
    app, _ = gateway
    tabled = {(r.method, r.gateway_path) for r in EVERY_ROUTE}
    served = {(m, r.path) for r in api_routes(app.routes) for m in r.methods}
    # The web app's pages (/web/...) read and act only through the tabled routes, in process
    missing = {(m, p) for m, p in served if p not in OPEN and m != "HEAD"
               and not p.startswith("/web/")} - tabled  # fmt: skip
    assert not missing, f"routes served without a policy: {sorted(missing)}"
    assert tabled <= served, f"routes in the table the app lacks: {sorted(tabled - served)}"


def test_every_operation_of_every_service_has_a_gateway_route():
    import importlib

    routed = {(r.service, r.method, r.path) for r in ROUTES}
    for service in ("intake", "scheduling", "forms", "audit"):
        built = getattr(importlib.import_module(f"services.{service}.__main__"), service.upper())
        app = built.app(built.settings(database_url="postgresql://unused@127.0.0.1/unused"))
        for path, operations in app.openapi()["paths"].items():
            if path.startswith(("/health", "/metrics")):
                continue
            for method in operations:
                assert (service, method.upper(), path) in routed, f"{service} {method} {path}"


async def status_of(http: Any, fakes: Any, route: Route, role: str, inside: bool,
                    reason: str | None = None) -> int:  # fmt: skip
    headers = {"Authorization": f"Bearer {fakes.token(caller(role), [role], ['north'])}"}
    if reason:
        headers["X-Break-Glass-Reason"] = reason
    body = {"site_id": "north" if inside else "south"}
    answer = await http.request(
        route.method, path_of(route, role, inside), json=body, headers=headers
    )
    return answer.status_code


async def test_the_issue_s_words_hold_whatever_the_table_holds(gateway: Any):
    """Independent of TABLE: an auditor reads everything and changes nothing; an admin
    reads no clinical content; a therapist sees no case but their own without break-glass."""
    app, fakes = gateway
    staff = [r for r in EVERY_ROUTE if r.kind != "public"]
    async with client(app) as http:
        for route in staff:
            for inside in (True, False):
                auditor = await status_of(http, fakes, route, "auditor", inside)
                assert auditor == (200 if route.action in READS else 403), route
            if route.kind == "case":
                assert await status_of(http, fakes, route, "admin", True) == 403, route
                assert await status_of(http, fakes, route, "therapist", False) == 403, route


async def test_break_glass_reads_a_case_out_of_scope_with_a_reason_and_is_recorded(gateway: Any):
    app, fakes = gateway
    read = next(r for r in ROUTES if r.gateway_path == "/intake/cases/{case_id}/timeline")
    write = next(r for r in ROUTES if r.gateway_path == "/intake/cases/{case_id}/discharge")
    reason = "Covering for a colleague: the client rang in crisis"
    async with client(app) as http:
        assert await status_of(http, fakes, read, "therapist", False) == 403
        assert await status_of(http, fakes, read, "therapist", False, reason) == 200
        assert await status_of(http, fakes, write, "therapist", False, reason) == 403
        assert await status_of(http, fakes, read, "admin", False, reason) == 403
        assert await status_of(http, fakes, read, "therapist", False, "short") == 422
    view = fakes.views[-1]
    assert (view["case_id"], view["reason"], view["who"].break_glass) == (CASE_OUT, reason, True)
    assert fakes.reached[-1][2].break_glass is True


async def test_a_head_beside_a_get_is_refused_and_reaches_nothing(gateway: Any):
    app, fakes = gateway
    reached, views = len(fakes.reached), len(fakes.views)
    token = fakes.token("supervisor.north", ["supervisor"], ["north"])
    async with client(app) as http:
        answer = await http.head(f"/intake/cases/{CASE_IN}",
                                 headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert (answer.status_code, answer.headers["allow"]) == (405, "GET")
    assert (len(fakes.reached), len(fakes.views)) == (reached, views)
