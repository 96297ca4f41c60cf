"""The one place where errors every service shares become RFC 9457 problem details: bad
input (422 naming the field), an event its contract refuses, a busy or unreachable
database (503 with Retry-After, worded by what is known of the data), and anything
unexpected (500, logged once, the client's keep-alive connection left usable)."""

from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.contracts import UnknownEventType
from shared.db import DatabaseUnavailable, OutcomeUnknown, busy, connection_lost
from shared.envelope import ContractViolation

log = structlog.get_logger()
RETRY_AFTER_SECONDS = 2
NOT_SAVED = "The database is busy or unavailable; nothing was saved. Retry in a moment."
UNAVAILABLE = "The database is unavailable. Retry in a moment."
LOGGED = "The error was logged with this response's X-Correlation-ID."
MAYBE_SAVED = (
    "The database connection was lost while the request ran: it may or may not have been"
    " saved. Check (read it back) before you retry with the same request."
)


def problem(
    status: int, title: str, detail: Any, headers: dict[str, str] | None = None
) -> JSONResponse:
    """RFC 9457 problem details."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(
        jsonable_encoder(body), status, headers, media_type="application/problem+json"
    )


def invalid(field: str, message: str) -> JSONResponse:
    return problem(422, "The request is not valid", [{"field": field, "message": message}])


def add_error_handlers(app: FastAPI) -> None:
    """Register the shared mapping; a service adds its own error family beside it."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in error.errors()
        ]
        if not_json := _not_json(request, errors):
            return invalid("header.content-type", not_json)
        return problem(422, "The request is not valid", errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), str(error.detail))

    @app.exception_handler(ContractViolation)
    async def contract_violation(_: Request, error: ContractViolation) -> JSONResponse:
        # The API checks its input; what still does not fit an event's contract came from it.
        return invalid(error.field, f"{error.message} (event {error.event_type})")

    @app.exception_handler(UnknownEventType)
    async def no_contract(_: Request, error: UnknownEventType) -> JSONResponse:
        log.error("http.event_without_contract", error=str(error))
        return problem(500, "The change cannot be published", f"{error}; nothing was saved.")

    for family in (DatabaseUnavailable, OutcomeUnknown, asyncpg.PostgresError, OSError,
                   asyncpg.InterfaceError, asyncpg.InternalClientError, TimeoutError):  # fmt: skip
        app.add_exception_handler(family, database_error)


async def database_error(request: Request, error: Exception) -> JSONResponse:
    """A server that answered with an error rolled the work back: nothing was saved. Only a
    connection lost mid-request leaves a change's fate unknown, and the answer says so."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if isinstance(error, DatabaseUnavailable) or busy(error):
        log.warning("http.database_busy", error=repr(error))
        return problem(503, "Service busy", NOT_SAVED, retry)
    if isinstance(error, OutcomeUnknown) or connection_lost(error):
        log.warning("http.database_connection_lost", error=repr(error))
        reading = request.method in ("GET", "HEAD")
        return problem(503, "Service unavailable", UNAVAILABLE if reading else MAYBE_SAVED, retry)
    sqlstate = getattr(error, "sqlstate", None) or ""
    if sqlstate.startswith("22"):  # a value the database refuses: the input's fault
        column = getattr(error, "column_name", None) or "request"
        return invalid(column, f"{getattr(error, 'message', error)}; nothing was saved")
    log.error("http.unexpected_error", error=repr(error), exc_info=error)
    return problem(500, "Internal error", f"{LOGGED} Nothing was saved.")


class UnexpectedErrors:
    """Answers any other error with a 500 and logs it once. Starlette's own last resort
    re-raises after answering, so the server logs it again and drops the keep-alive
    connection; this middleware, inside it, does neither."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            if started:  # half an answer went out: only closing the connection is honest
                raise
            log.exception("http.unexpected_error", method=scope["method"], path=scope["path"])
            await problem(500, "Internal error", LOGGED)(scope, receive, send)


def _not_json(request: Request, errors: list[dict[str, str]]) -> str | None:
    """A body refused whole because it was not sent as JSON: say so, naming the type sent
    (FastAPI parses only a JSON content type, so JSON sent as text/plain is 'not an object')."""
    sent = request.headers.get("content-type", "")
    media = sent.split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return None
    if not any(e["field"] == "body" or e["field"].startswith("body.") for e in errors):
        return None
    return f"the body must be JSON sent as application/json, not {media or 'no content type'}"
