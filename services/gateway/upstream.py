"""Requests from the gateway to the services, each with a fresh identity assertion signed for
its method and path; the services' answers (problem details included) pass through as is."""

from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.responses import Response

from services.gateway.settings import GatewaySettings
from shared import identity
from shared.http_errors import problem
from shared.identity import Identity
from shared.logging import CORRELATION_HEADER

SERVICES = ("intake", "scheduling", "forms", "audit")
FORWARDED_REQUEST = ("content-type", "accept")
FORWARDED_RESPONSE = ("content-type", "retry-after", "content-disposition", "location")
RETRY_AFTER = "2"


class Unavailable(Exception):
    def __init__(self, service: str):
        super().__init__(service)
        self.service = service


class Upstream:
    def __init__(self, settings: GatewaySettings, key: Ed25519PrivateKey):
        self.key = key
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
        self.clients = {
            name: httpx.AsyncClient(base_url=settings.upstream(name), limits=limits,
                                    timeout=settings.upstream_timeout_seconds)
            for name in SERVICES
        }  # fmt: skip

    async def send(self, service: str, method: str, path: str, who: Identity,
                   query: bytes = b"", body: bytes = b"",
                   headers: dict[str, str] | None = None) -> httpx.Response:  # fmt: skip
        sent = {name: value for name, value in (headers or {}).items() if name in FORWARDED_REQUEST}
        sent[identity.ASSERTION_HEADER] = identity.sign(self.key, who, method, path)
        sent[CORRELATION_HEADER] = who.correlation_id
        url = httpx.URL(path, query=query) if query else path
        try:
            return await self.clients[service].request(method, url, content=body, headers=sent)
        except httpx.TransportError:
            raise Unavailable(service) from None

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()


def passed_through(answer: httpx.Response) -> Response:
    headers = {k: v for k, v in answer.headers.items() if k.lower() in FORWARDED_RESPONSE}
    return Response(answer.content, answer.status_code, headers)


def unavailable(error: Unavailable) -> Response:
    detail = f"The {error.service} service cannot be reached; nothing was done. Retry shortly."
    return problem(503, "Service unavailable", detail, {"Retry-After": RETRY_AFTER})


def json_of(answer: httpx.Response) -> dict[str, Any]:
    found = answer.json()
    return found if isinstance(found, dict) else {}
