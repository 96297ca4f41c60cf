"""What every service's HTTP edge shares: problem details, correlation ids, a body size
limit, and health and readiness endpoints."""

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http_errors import UnexpectedErrors, add_error_handlers, invalid, problem
from shared.logging import CORRELATION_HEADER, correlation

log = structlog.get_logger()
# The readiness body: {"ready": bool, ...}; ready decides 200 or 503 (shared/runtime.py).
ReadinessCheck = Callable[[], Awaitable[dict[str, Any]]]
CORRELATION_ID = re.compile(rb"[\x21-\x7e]{1,128}")


def add_common_routes(app: FastAPI, ready: ReadinessCheck, max_body_bytes: int) -> None:
    add_error_handlers(app)
    # The last added runs first: the correlation id is bound before an error is logged; the
    # body limit, innermost, handles its own signal.
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(CorrelationId)

    @app.get("/health/live", tags=["health"])
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready", tags=["health"])
    async def readiness() -> JSONResponse:
        body = await ready()
        return JSONResponse(jsonable_encoder(body), 200 if body["ready"] else 503)


class CorrelationId:
    """Takes X-Correlation-ID from the request (or makes one), binds it to every log line,
    returns it on the response, and logs each request once answered: method, path (never
    its query string: a search's is personal), status and duration."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = dict(scope["headers"]).get(CORRELATION_HEADER.lower().encode())
        if incoming and not CORRELATION_ID.fullmatch(incoming):  # it goes into logs and events
            message = "up to 128 printable ASCII characters"
            return await invalid("header.x-correlation-id", message)(scope, receive, send)
        started, status = time.perf_counter(), 0
        with correlation(incoming.decode("ascii") if incoming else None) as cid:

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message.setdefault("headers", []).append(
                        (CORRELATION_HEADER.lower().encode(), cid.encode())
                    )
                await send(message)

            try:
                await self.app(scope, receive, send_with_id)
            finally:
                took = round((time.perf_counter() - started) * 1000, 1)
                log.info("http.request", method=scope["method"], path=scope["path"],
                         status=status, ms=took)  # fmt: skip


class BodySizeLimit:
    """Refuses bodies over `max_bytes` with 413 before anything is parsed or stored."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(scope, receive, send)
        received, refused = 0, False

        async def counting_receive() -> Message:
            # A chunked body has no length to check first: refuse it here, and tell the app
            # the client left (raising would reach FastAPI's body parser: a 400, not a 413).
            nonlocal received, refused
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes and not refused:
                refused = True
                await self._refuse(scope, receive, send)
            return {"type": "http.disconnect"} if refused else message

        async def send_unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counting_receive, send_unless_refused)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"The request body is larger than {self.max_bytes} bytes."
        await problem(413, "Request body too large", detail)(scope, receive, send)
