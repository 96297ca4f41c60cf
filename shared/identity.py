"""Services trust only the gateway. The gateway authenticates a member of staff (their OIDC
token) and passes who they are to a service in a short-lived assertion it signs with
Ed25519: a JWT (alg EdDSA) with subject, acting role, roles, sites and break-glass, bound
to the request's method and path, valid for about a minute. It names no one request (the
correlation id travels in its own header), so the gateway may send one assertion again for
the same caller, method and path while it is young. Every service verifies
it with the gateway's public key (settings) before a route runs; without a valid one the
answer is 401. Nothing else a caller says about itself is believed.

    GATEWAY_ASSERTION_KEY        base64 of the gateway's 32-byte Ed25519 seed (gateway only)
    RAPPORT_IDENTITY_PUBLIC_KEY  base64 of its 32-byte public key (every service)

Development keys are generated once per machine (deploy/identity_keys.sh via dev_env.sh).
"""

import base64
import binascii
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.http_errors import problem

ASSERTION_HEADER = "X-Rapport-Assertion"
ISSUER = "rapport-gateway"
AUDIENCE = "rapport-services"
LIFETIME = 60  # seconds: one request's journey from the gateway to a service
MAX_LIFETIME = 120  # an assertion claiming to live longer is refused, whoever signed it
STAFF_ID = re.compile(r"[\x21-\x7e]{1,128}")  # what an actor id or role may be in events
LEEWAY = 5  # seconds of clock difference between the gateway's machine and a service's
# Bare identity headers of the time before the gateway: refused, so nobody can claim them.
BARE_HEADERS = (b"x-actor-id", b"x-actor-role")
# Open without an assertion: what load balancers, Prometheus and people reading docs use.
OPEN_PATHS = ("/health/", "/metrics", "/docs", "/openapi.json")


class IdentityError(Exception):
    """The assertion is missing, malformed, expired, for another request or another key."""


@dataclass(frozen=True)
class Identity:
    subject: str  # the staff id the services record as the actor
    role: str  # the role this request acts in (the one the gateway's policy allowed)
    roles: tuple[str, ...]
    sites: tuple[str, ...]
    correlation_id: str
    break_glass: bool = False  # read outside the caller's scope, with a stated reason


class IdentitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAPPORT_IDENTITY_", extra="ignore")

    public_key: str | None = None


def _raw_key(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError(f"{name} must be base64 of a 32-byte Ed25519 key")
    return raw


def private_key_of(seed_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_raw_key(seed_b64, "GATEWAY_ASSERTION_KEY"))


def public_key_of(public_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_raw_key(public_b64, "RAPPORT_IDENTITY_PUBLIC_KEY"))


def sign(key: Ed25519PrivateKey, who: Identity, method: str, path: str) -> str:
    """The gateway's assertion for one request to a service."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": who.subject, "role": who.role,
              "roles": list(who.roles), "sites": list(who.sites),
              "bg": who.break_glass, "htm": method.upper(), "htu": path,
              "iat": now, "nbf": now, "exp": now + LIFETIME, "jti": str(uuid.uuid4())}  # fmt: skip
    return jwt.encode(claims, key, algorithm="EdDSA")


class VerifiedClaims:
    """The claims of assertions whose signature, issuer, audience and lifetime one key has
    checked, by their whole text, until they expire. The gateway sends one assertion for a
    caller's requests to one method and path for half its life (services/gateway/
    assertions.py); checking its Ed25519 signature again on each was a fifth of a service's
    CPU per request. The request binding is still checked every time."""

    def __init__(self, kept: int = 10_000):
        self.kept, self.claims = kept, {}  # type: tuple[int, dict[str, dict[str, Any]]]

    def get(self, token: str) -> dict[str, Any] | None:
        claims = self.claims.get(token)
        if claims is not None and claims["exp"] + LEEWAY <= time.time():
            del self.claims[token]
            return None
        return claims

    def put(self, token: str, claims: dict[str, Any]) -> None:
        if len(self.claims) >= self.kept:  # the expired go; if none has, all go
            now = time.time()
            self.claims = {t: c for t, c in self.claims.items() if c["exp"] + LEEWAY > now}
            if len(self.claims) >= self.kept:
                self.claims.clear()
        self.claims[token] = claims


def verify(
    key: Ed25519PublicKey,
    token: str,
    method: str,
    path: str,
    verified: VerifiedClaims | None = None,
) -> Identity:
    """The identity an assertion of `key` gives this request; `verified` remembers the
    claims of assertions this key has checked."""
    claims = verified.get(token) if verified is not None else None
    if claims is None:
        claims = _checked_claims(key, token)
        if verified is not None:
            verified.put(token, claims)
    if claims["htm"] != method.upper() or claims["htu"] != path:
        raise IdentityError("the gateway assertion is for another request")
    try:
        return Identity(
            subject=str(claims["sub"]), role=str(claims["role"]),
            roles=tuple(map(str, claims.get("roles", ()))),
            sites=tuple(map(str, claims.get("sites", ()))),
            correlation_id=str(claims.get("cid", "")), break_glass=bool(claims.get("bg")),
        )  # fmt: skip
    except TypeError:
        raise IdentityError("the gateway assertion's claims are malformed") from None


def _checked_claims(key: Ed25519PublicKey, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER, leeway=LEEWAY,
            options={"require": ["exp", "iat", "nbf", "sub", "role", "htm", "htu"]},
        )  # fmt: skip
    except jwt.PyJWTError as error:
        raise IdentityError(f"the gateway assertion is not valid: {error}") from None
    if claims["exp"] - claims["iat"] > MAX_LIFETIME:
        raise IdentityError("the gateway assertion lives too long")
    if not all(
        isinstance(claims[c], str) and STAFF_ID.fullmatch(claims[c]) for c in ("sub", "role")
    ):
        raise IdentityError("the gateway assertion's subject or role is not a staff id")
    return claims


def identity_of(scope: Scope) -> Identity | None:
    """The verified identity of this request (set by RequireAssertion), or None."""
    found = scope.get("state", {}).get("identity")
    return found if isinstance(found, Identity) else None


class RequireAssertion:
    """Verifies the gateway's assertion before any route of the service runs. Paths under
    `public` authenticate by themselves (a client's one-time form link)."""

    def __init__(self, app: ASGIApp, key: Ed25519PublicKey | None, public: tuple[str, ...] = ()):
        self.app, self.key, self.open = app, key, OPEN_PATHS + tuple(public)
        self.verified = VerifiedClaims()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.open):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        token = headers.get(ASSERTION_HEADER.lower().encode())
        try:
            if token is None:
                raise IdentityError(f"a request needs the gateway's {ASSERTION_HEADER}")
            if any(name in headers for name in BARE_HEADERS):
                raise IdentityError("X-Actor-* headers are not accepted; the gateway's are")
            if self.key is None:
                raise IdentityError("this service has no RAPPORT_IDENTITY_PUBLIC_KEY")
            assertion = token.decode("latin-1")
            who = verify(self.key, assertion, scope["method"], scope["path"], self.verified)
            scope.setdefault("state", {})["identity"] = who
        except IdentityError as error:
            unauthorised = problem(401, "Not authenticated", str(error))
            unauthorised.headers["WWW-Authenticate"] = 'Bearer realm="rapport"'
            return await unauthorised(scope, receive, send)
        await self.app(scope, receive, send)


def protect(app: Any, environment: str, public: tuple[str, ...] = ()) -> None:
    """Install the check on a service's app (the builder does it for every service). A
    service whose every path is public ("/": the gateway) authenticates callers itself."""
    if "/" in public:
        return
    key_b64 = IdentitySettings().public_key
    if key_b64 is None and environment == "production":
        raise ValueError("RAPPORT_IDENTITY_PUBLIC_KEY is required: the gateway's public key")
    app.add_middleware(RequireAssertion, key=public_key_of(key_b64) if key_b64 else None,
                       public=public)  # fmt: skip
