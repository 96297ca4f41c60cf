"""Requests from the gateway to the services, each with a fresh identity assertion signed for
its method and path; the services' answers (problem details included) pass through as is.
aiohttp, as httpx's async client falls far behind under many concurrent requests."""

import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.responses import Response
from yarl import URL

from services.gateway.settings import GatewaySettings
from shared import identity
from shared.http_errors import problem
from shared.identity import Identity
from shared.logging import CORRELATION_HEADER

SERVICES = ("intake", "scheduling", "forms", "audit")
FORWARDED_REQUEST = ("content-type", "accept")
FORWARDED_RESPONSE = ("content-type", "retry-after", "content-disposition", "location", "link")
RETRY_AFTER = "2"


class Unavailable(Exception):
    def __init__(self, service: str):
        super().__init__(service)
        self.service = service


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)

    def is_json(self) -> bool:
        return any(name.lower() == "content-type" and value.startswith("application/json")
                   for name, value in self.headers.items())  # fmt: skip


class Upstream:
    def __init__(self, settings: GatewaySettings, key: Ed25519PrivateKey):
        self.key = key
        self.bases = {name: settings.upstream(name).rstrip("/") for name in SERVICES}
        self.timeout = aiohttp.ClientTimeout(total=settings.upstream_timeout_seconds)
        self.session: aiohttp.ClientSession | None = None

    async def send(self, service: str, method: str, path: str, who: Identity,
                   query: bytes = b"", body: bytes = b"",
                   headers: dict[str, str] | None = None) -> Answer:  # fmt: skip
        sent = {name: value for name, value in (headers or {}).items() if name in FORWARDED_REQUEST}
        sent[identity.ASSERTION_HEADER] = identity.sign(self.key, who, method, path)
        sent[CORRELATION_HEADER] = who.correlation_id
        return await self.request(service, method, path, query.decode("latin-1"), body, sent)

    async def request(self, service: str, method: str, path: str, query: str, body: bytes,
                      headers: dict[str, str]) -> Answer:  # fmt: skip
        url = URL(self.bases[service] + path, encoded=False)
        if query:
            url = url.with_query(query)
        try:
            async with self._session().request(method, url, data=body or None,
                                               headers=headers) as answer:  # fmt: skip
                return Answer(answer.status, dict(answer.headers), await answer.read())
        except (aiohttp.ClientError, TimeoutError):
            raise Unavailable(service) from None

    def _session(self) -> aiohttp.ClientSession:
        if self.session is None:  # made in the event loop that uses it
            connector = aiohttp.TCPConnector(limit=200, limit_per_host=100)
            self.session = aiohttp.ClientSession(connector=connector, timeout=self.timeout)
        return self.session

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


def passed_through(answer: Answer) -> Response:
    headers = {k: v for k, v in answer.headers.items() if k.lower() in FORWARDED_RESPONSE}
    return Response(answer.content, answer.status_code, headers)


def unavailable(error: Unavailable) -> Response:
    detail = f"The {error.service} service cannot be reached; nothing was done. Retry shortly."
    return problem(503, "Service unavailable", detail, {"Retry-After": RETRY_AFTER})


def json_of(answer: Answer) -> dict[str, Any]:
    found = answer.json()
    return found if isinstance(found, dict) else {}
