"""The gateway's OpenAPI description: each route of the table with the operation of the
service it goes to (parameters, bodies, responses), under the gateway's path, with bearer
security and the gateway's own answers (401, 403, 429, 503). Made from the services' own
descriptions on first request and kept once every service gave its own."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from services.gateway.routes import ROUTES
from services.gateway.upstream import SERVICES, Upstream
from shared.identity import Identity

PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
GATEWAY_ANSWERS = {
    "401": {"description": "No valid bearer token", **PROBLEM},
    "403": {"description": "The policy table refuses it; names the missing permission", **PROBLEM},
    "429": {"description": "Too many requests with this token (Retry-After)", **PROBLEM},
    "503": {"description": "The service behind cannot be reached (Retry-After)", **PROBLEM},
}
ABOUT = """The one door of Rapport's staff apps. Sign in with the charity's identity provider
and send its access token as `Authorization: Bearer <token>`. Each operation names the
permission of the policy table it needs; a refusal is 403 naming it. Reading a case outside
your scope needs `X-Break-Glass-Reason` and is recorded. Every read of a case is recorded
in the audit ledger. Errors are RFC 9457 problem details."""
REASON = {"name": "X-Break-Glass-Reason", "in": "header", "required": False,
          "description": "Read a case outside your scope: why (10-500 characters, recorded)",
          "schema": {"type": "string", "minLength": 10, "maxLength": 500}}  # fmt: skip


async def describe(app: FastAPI, upstream: Upstream) -> dict[str, Any]:
    doc = get_openapi(title="Rapport gateway", version="1", routes=app.routes,
                      description=ABOUT)  # fmt: skip
    components = doc.setdefault("components", {})
    bearer = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    components["securitySchemes"] = {"bearer": bearer}
    schemas = components.setdefault("schemas", {})
    complete = True
    for service in SERVICES:
        who = Identity("gateway", "gateway", (), (), "openapi")
        try:
            theirs = (await upstream.send(service, "GET", "/openapi.json", who)).json()
        except Exception:  # a service down: described when it is back
            complete = False
            continue
        theirs = _renamed(theirs, "#/components/schemas/", f"#/components/schemas/{service}__")
        for name, schema in theirs.get("components", {}).get("schemas", {}).items():
            schemas[f"{service}__{name}"] = schema
        for route in (r for r in ROUTES if r.service == service):
            operation = theirs.get("paths", {}).get(route.path, {}).get(route.method.lower())
            if operation is not None:
                ours = doc["paths"].setdefault(route.gateway_path, {})
                ours[route.method.lower()] = _ours(route, operation, service)
    doc["x-complete"] = complete
    return doc


def _ours(route: Any, operation: dict[str, Any], service: str) -> dict[str, Any]:
    operation = dict(operation)
    operation["operationId"] = f"{service}_{operation.get('operationId', route.path)}"
    operation["tags"] = [service]
    permission = f"Permission: `{route.action}` ({route.kind})."
    operation["description"] = f"{operation.get('description', '')}\n\n{permission}".strip()
    if route.kind != "public":
        operation["security"] = [{"bearer": []}]
        operation["responses"] = {**GATEWAY_ANSWERS, **operation.get("responses", {})}
    if route.shows_a_case:
        operation["parameters"] = [*operation.get("parameters", []), REASON]
    return operation


def _renamed(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {k: (v.replace(old, new, 1) if k == "$ref" and isinstance(v, str)
                    else _renamed(v, old, new)) for k, v in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    return value
