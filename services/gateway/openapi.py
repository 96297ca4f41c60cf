"""The gateway's OpenAPI description: each route of the table with the operation of the
service it goes to (parameters, bodies, responses), under the gateway's path, with bearer
security and the gateway's own answers (401, 403, 429, 503). Made from the services' own
descriptions on first request and kept once every service gave its own."""

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from services.gateway.routes import ROUTES
from services.gateway.upstream import SERVICES, Upstream
from shared.identity import Identity

PROBLEM_SCHEMA = {
    "title": "Problem", "type": "object", "required": ["type", "title", "status", "detail"],
    "description": "RFC 9457 problem details; bad input lists each field with its message",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}]},
    },
}  # fmt: skip
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM = {"content": {"application/problem+json": {"schema": PROBLEM_REF}}}
AUTH_ANSWERS = {
    "401": {"description": "No valid bearer token", **PROBLEM},
    "403": {"description": "The policy table refuses it; names the missing permission", **PROBLEM},
    "429": {"description": "Too many requests with this token (Retry-After)", **PROBLEM},
}
PASSED_ANSWERS = {  # the services' own refusals, passed through as they gave them
    "503": {"description": "The service behind cannot be reached (Retry-After)", **PROBLEM},
    "400": {"description": "The service refuses the request", **PROBLEM},
    "404": {"description": "No such record (or not in the ledger yet)", **PROBLEM},
    "409": {"description": "The record's state does not allow it, or a change raced", **PROBLEM},
    "413": {"description": "The request body is too large", **PROBLEM},
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
    schemas["Problem"] = PROBLEM_SCHEMA
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
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            _errors_as_problems(operation.get("responses", {}), html=path.startswith("/forms/f/"))
    doc["x-complete"] = complete
    return doc


# What the services answer that is not JSON, where their own description says JSON.
FILE_MEDIA = {".ics": "text/calendar", ".svg": "image/svg+xml"}


def _media_of_files(path: str, ok: dict[str, Any]) -> None:
    for suffix, media in FILE_MEDIA.items():
        if path.endswith(suffix):
            ok["content"] = {media: {"schema": {"type": "string"}}}
    if path.startswith("/f/"):  # the client's form pages
        ok["content"] = {"text/html": {"schema": {"type": "string"}}}


def _errors_as_problems(responses: dict[str, Any], html: bool) -> None:
    """Every error of every service is an RFC 9457 problem, whatever FastAPI wrote; the
    client's form pages answer people with pages (and scripts with problems)."""
    for status, response in responses.items():
        if status[0] in "45":
            page = {"text/html": {"schema": {"type": "string"}}, **PROBLEM["content"]}
            response["content"] = page if html else PROBLEM["content"]


def _ours(route: Any, operation: dict[str, Any], service: str) -> dict[str, Any]:
    operation = dict(operation)
    operation["operationId"] = f"{service}_{operation.get('operationId', route.path)}"
    operation["tags"] = [service]
    permission = f"Permission: `{route.action}` ({route.kind})."
    operation["description"] = f"{operation.get('description', '')}\n\n{permission}".strip()
    answers = copy.deepcopy({**PASSED_ANSWERS, **operation.get("responses", {})})
    if route.kind != "public":
        operation["security"] = [{"bearer": []}]
        answers = {**copy.deepcopy(AUTH_ANSWERS), **answers}
    operation["responses"] = answers
    _media_of_files(route.path, answers.get("200", {}))
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
