"""The staff API called in process: a request of a page is matched against the gateway's route
table and handed to that route's own handler (proxy.handler_for: token check, rate limit,
scope lookup, policy table, proxying, access event), as a request from outside would be.
What it skips is only what wraps every request at the edge, which the page's own request
already went through (correlation id, body size limit, metrics), and an HTTP client's work:
httpx's in-process transport built and parsed each call as a whole HTTP exchange, a third of
the gateway's CPU on a page."""

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import structlog
from fastapi import Request
from fastapi.responses import Response
from starlette.routing import compile_path
from starlette.types import Message

from services.gateway.proxy import HANDLERS, Handler
from shared.http_errors import LOGGED, problem

log = structlog.get_logger()


@dataclass(frozen=True)
class Answer:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Table:
    """The gateway's routes by method and first path segment, each with its path's pattern,
    in the order they were made (Starlette's order: the first match answers)."""

    def __init__(self, handlers: dict[tuple[str, str], Handler]):
        self.routes: dict[tuple[str, str], list[tuple[re.Pattern[str], Handler]]] = {}
        self.paths: dict[str, list[re.Pattern[str]]] = {}
        for (method, path), handler in handlers.items():
            pattern = compile_path(path)[0]
            self.routes.setdefault((method, _head(path)), []).append((pattern, handler))
            self.paths.setdefault(_head(path), []).append(pattern)
        self.size = len(handlers)

    def find(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | int:
        """The handler and its path parameters, else 405 (another method's path) or 404."""
        for pattern, handler in self.routes.get((method, _head(path)), []):
            if found := pattern.fullmatch(path):
                return handler, found.groupdict()
        return 405 if any(p.fullmatch(path) for p in self.paths.get(_head(path), [])) else 404


_table: Table | None = None


def table() -> Table:
    global _table
    if _table is None or _table.size != len(HANDLERS):
        _table = Table(HANDLERS)
    return _table


def _head(path: str) -> str:
    return path.split("/", 2)[1] if path.count("/") >= 2 else path


async def call(outer: Request, method: str, path: str, headers: dict[str, str],
               params: dict[str, Any] | None = None, body: bytes = b"") -> Answer:  # fmt: skip
    found = table().find(method, path)
    if isinstance(found, int):
        return Answer(found, b'{"detail": "Not found"}' if found == 404 else b"{}")
    handler, path_params = found
    raw = _raw(headers)
    if isinstance(raw, Answer):
        return raw
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "server": ("gateway", 80), "client": ("127.0.0.1", 0),
        "root_path": "", "path": path, "raw_path": path.encode(),
        "query_string": urlencode(params or {}, doseq=True).encode(),
        "headers": raw,
        "app": outer.app, "path_params": path_params, "state": {},
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        response = await handler(Request(scope, receive))
    except Exception:  # as the edge's last resort does for a request from outside
        log.exception("web.staff_api_error", method=method, path=path)
        response = problem(500, "Internal error", LOGGED)
    return Answer(response.status_code, await _body(response, scope))


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]] | Answer:
    """The headers as HTTP carries them; one it cannot (a reason's curly quotes, say) is a
    422, as it is refused from outside."""
    raw = []
    for name, value in headers.items():
        try:
            raw.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        except UnicodeEncodeError:
            detail = f"{name}: only characters of Latin-1 can be sent (not curly quotes, say)"
            return Answer(422, json.dumps({"detail": detail}).encode())
    return raw


async def _body(response: Response, scope: dict[str, Any]) -> bytes:
    if hasattr(response, "body"):
        return bytes(response.body)
    sent: list[bytes] = []

    async def send(message: Message) -> None:
        sent.append(message.get("body", b""))

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)
    return b"".join(sent)
