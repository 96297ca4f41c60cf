"""The gateway's real app in process, with an identity provider's keys of the test's own and
the services behind it answered by an in-memory fake (unit tier: no network). The fake
checks each assertion the gateway signs, as a service does, and records what reached it."""

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.gateway.__main__ import GATEWAY
from services.gateway.limits import RateLimit
from services.gateway.settings import GatewaySettings
from services.gateway.tokens import TokenValidator
from services.gateway.upstream import Answer, Upstream
from shared import identity

ISSUER, AUDIENCE, KID = "https://idp.test/realms/charity", "rapport-gateway", "test-key-1"
CASE_IN, CASE_OUT = str(uuid.uuid4()), str(uuid.uuid4())  # at north / south
SITE_OF = {CASE_IN: "north", CASE_OUT: "south"}
FORM_IN, FORM_OUT, FLAG_IN, FLAG_OUT = (str(uuid.uuid4()) for _ in range(4))
ENQ_IN, ENQ_OUT = str(uuid.uuid4()), str(uuid.uuid4())
CASE_OF = {FORM_IN: CASE_IN, FORM_OUT: CASE_OUT, FLAG_IN: CASE_IN, FLAG_OUT: CASE_OUT}


@dataclass
class Fakes:
    idp_key: rsa.RSAPrivateKey
    assertion_key: Ed25519PrivateKey
    reached: list[tuple[str, str, identity.Identity]] = field(default_factory=list)
    views: list[dict[str, Any]] = field(default_factory=list)

    def token(self, subject: str, roles: list[str], sites: list[str], **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": subject, "roles": roles,
                  "sites": sites, "iat": now, "nbf": now, "exp": now + 300,
                  "jti": str(uuid.uuid4()), **overrides}  # fmt: skip
        return jwt.encode(claims, self.idp_key, algorithm="RS256", headers={"kid": KID})


class Recorder:
    def __init__(self, views: list[dict[str, Any]]):
        self.views = views

    async def viewed(self, who: Any, case_id: Any, site_id: Any, view: str, action: str,
                     reason: Any) -> uuid.UUID:  # fmt: skip
        self.views.append({"who": who, "case_id": str(case_id), "view": view, "reason": reason})
        return uuid.uuid4()


class NoRows:
    async def fetch(self, *_: Any) -> list[Any]:
        return []


def service_answer(fakes: Fakes, service: str, request: httpx.Request) -> httpx.Response:
    token = request.headers[identity.ASSERTION_HEADER]
    public = identity.public_key_of(base64.b64encode(
        fakes.assertion_key.public_key().public_bytes_raw()).decode())  # fmt: skip
    who = identity.verify(public, token, request.method, request.url.path)  # raises if wrong
    parts = request.url.path.strip("/").split("/")
    if who.subject == "gateway":  # the gateway's own lookups of a case, form, flag, enquiry
        if service == "intake" and parts[0] == "cases":
            allocated = "therapist.north" if parts[1] == CASE_IN else "therapist.south"
            return httpx.Response(
                200, json={"site_id": SITE_OF[parts[1]], "therapist_id": allocated}
            )
        if service == "intake" and parts[0] == "enquiries":
            return httpx.Response(200, json={"site_id": "north" if parts[1] == ENQ_IN else "south"})
        if service == "forms":
            return httpx.Response(200, json={"case_id": CASE_OF[parts[1]]})
    fakes.reached.append((service, f"{request.method} {request.url.path}", who))
    if request.method == "GET" and parts[-1] in ("week", "risk-flags"):  # lists, as theirs are
        return httpx.Response(200, json=[])
    return httpx.Response(200, json={"service": service})


class FakeServices(Upstream):
    """The gateway's own client up to the wire; the fake answers instead of the network."""

    def __init__(self, config: GatewaySettings, fakes: Fakes):
        super().__init__(config, fakes.assertion_key)
        self.fakes = fakes

    async def request(self, service: str, method: str, path: str, query: str, body: bytes,
                      headers: dict[str, str]) -> Answer:  # fmt: skip
        sent = httpx.Request(method, f"http://{service}{path}", headers=headers, content=body)
        answer = service_answer(self.fakes, service, sent)
        return Answer(answer.status_code, dict(answer.headers), answer.content)


def gateway_app(**settings: Any) -> tuple[Any, Fakes]:
    fakes = Fakes(rsa.generate_private_key(public_exponent=65537, key_size=2048),
                  Ed25519PrivateKey.generate())  # fmt: skip
    seed = base64.b64encode(fakes.assertion_key.private_bytes_raw()).decode()
    config = GatewaySettings(database_url="postgresql://unused@127.0.0.1/unused",
                             oidc_issuer=ISSUER, oidc_jwks_url="https://idp.test/jwks",
                             assertion_key=seed, subject_claim="sub", **settings)  # fmt: skip
    app = GATEWAY.app(config)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(fakes.idp_key.public_key()))
    jwks = {"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}
    idp = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=jwks)))
    app.state.tokens = TokenValidator(config, idp)
    app.state.upstream = FakeServices(config, fakes)
    app.state.access = Recorder(fakes.views)
    app.state.rate_limit = RateLimit(config.rate_limit_requests, config.rate_limit_window_seconds)
    app.state.runtime = type("Runtime", (), {"pool": NoRows()})()
    return app, fakes


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")
