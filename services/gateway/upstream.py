"""Requests from the gateway to the services, each with a fresh identity assertion signed for
its method and path; the services' answers (problem details included) pass through as is.
The client is the gateway's own (http1.py): httpx's async client fell far behind under many
concurrent requests, and aiohttp's cost more CPU than the rest of the gateway's work."""

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.responses import Response

from services.gateway.assertions import Assertions
from services.gateway.http1 import ConnectionLost, Service
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
        self.assertions = Assertions(key)
        self.services = {name: Service(settings.upstream(name)) for name in SERVICES}
        self.timeout = settings.upstream_timeout_seconds

    async def send(self, service: str, method: str, path: str, who: Identity,
                   query: bytes = b"", body: bytes = b"",
                   headers: dict[str, str] | None = None) -> Answer:  # fmt: skip
        sent = {name: value for name, value in (headers or {}).items() if name in FORWARDED_REQUEST}
        sent[identity.ASSERTION_HEADER] = self.assertions.of(who, method, path)
        sent[CORRELATION_HEADER] = who.correlation_id
        return await self.request(service, method, path, query.decode("latin-1"), body, sent)

    async def request(self, service: str, method: str, path: str, query: str, body: bytes,
                      headers: dict[str, str]) -> Answer:  # fmt: skip
        try:
            async with asyncio.timeout(self.timeout):
                status, answered, content = await self.services[service].request(
                    method, path, query, headers, body
                )
        except (OSError, ConnectionLost, TimeoutError):
            raise Unavailable(service) from None
        return Answer(status, answered, content)

    async def close(self) -> None:
        for service in self.services.values():
            service.close()


def passed_through(answer: Answer) -> Response:
    headers = {k: v for k, v in answer.headers.items() if k.lower() in FORWARDED_RESPONSE}
    return Response(answer.content, answer.status_code, headers)


def unavailable(error: Unavailable) -> Response:
    detail = f"The {error.service} service cannot be reached; nothing was done. Retry shortly."
    return problem(503, "Service unavailable", detail, {"Retry-After": RETRY_AFTER})


def json_of(answer: Answer) -> dict[str, Any]:
    found = answer.json()
    return found if isinstance(found, dict) else {}
