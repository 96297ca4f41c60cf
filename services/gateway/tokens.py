"""Bearer tokens of the OpenID Connect provider, checked with PyJWT: the signature against
the provider's JWKS (fetched, cached, fetched again when a token names an unknown key id, at
most every MIN_REFRESH seconds), issuer, audience, expiry and not-before with a small leeway,
and only the pinned asymmetric algorithms."""

import asyncio
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import structlog

from services.gateway.settings import GatewaySettings

log = structlog.get_logger()
MIN_REFRESH = 10.0  # seconds between two JWKS fetches: unknown kids cannot hammer the provider
# Tokens already validated, by their whole text: a staff app sends one token for minutes, and
# checking its signature again on every request was a fifth of the gateway's CPU per command.
CACHED_TOKENS = 10_000
STAFF_ID = re.compile(r"[\x21-\x7e]{1,128}")  # the subject becomes the actor id of events


class Unauthenticated(Exception):
    """401: no token, or one that is not valid."""


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: tuple[str, ...]
    sites: tuple[str, ...]
    token_id: str  # for the rate limit: one bucket per token


@dataclass(frozen=True)
class Validated:
    """A token that passed every check, and the window in which it stays valid."""

    principal: Principal
    kid: str | None
    not_before: float
    expires: float


class TokenValidator:
    def __init__(self, settings: GatewaySettings, http: httpx.AsyncClient):
        self.settings, self.http = settings, http
        self.keys: dict[str, Any] = {}
        self.fetched_at = 0.0
        self.lock = asyncio.Lock()
        self.validated: dict[str, Validated] = {}

    async def principal(self, authorization: str | None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("an Authorization: Bearer <token> header is required")
        token = token.strip()
        known = self.validated.pop(token, None)
        if known is not None and known.not_before <= time.time() < known.expires:
            self.validated[token] = known
            return known.principal
        return self._remember(token, await self._validate(token))

    async def _validate(self, token: str) -> Validated:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"the token is malformed: {error}") from None
        key = await self._key(kid)
        s = self.settings
        try:
            claims = jwt.decode(
                token, key, algorithms=s.oidc_algorithms, audience=s.oidc_audience,
                issuer=s.oidc_issuer, leeway=s.oidc_leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )  # fmt: skip
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"the token is not valid: {error}") from None
        leeway = s.oidc_leeway_seconds  # as jwt.decode allowed it
        opens, ends = float(claims.get("nbf", 0)) - leeway, float(claims["exp"]) + leeway
        return Validated(self._principal(claims, token), kid, opens, ends)

    def _remember(self, token: str, validated: Validated) -> Principal:
        if len(self.validated) >= CACHED_TOKENS:  # expired ones go first, then the oldest
            now = time.time()
            self.validated = {t: v for t, v in self.validated.items() if v.expires > now}
            while len(self.validated) >= CACHED_TOKENS:
                del self.validated[next(iter(self.validated))]
        self.validated[token] = validated
        return validated.principal

    def _principal(self, claims: dict[str, Any], token: str) -> Principal:
        subject = claims.get(self.settings.subject_claim)
        if not isinstance(subject, str) or not STAFF_ID.fullmatch(subject):
            raise Unauthenticated(f"the token has no usable {self.settings.subject_claim!r}")
        return Principal(
            subject=subject,
            roles=_strings(claims.get(self.settings.roles_claim)),
            sites=_strings(claims.get(self.settings.sites_claim)),
            token_id=str(claims.get("jti") or token[-32:]),
        )

    async def _key(self, kid: str | None) -> Any:
        if kid not in self.keys:
            await self._refresh()
        try:
            return self.keys[kid] if kid is not None else next(iter(self.keys.values()))
        except (KeyError, StopIteration):
            raise Unauthenticated(
                "the token is signed by a key the provider does not list"
            ) from None

    async def _refresh(self) -> None:
        async with self.lock:
            if time.monotonic() - self.fetched_at < MIN_REFRESH:
                return
            self.fetched_at = time.monotonic()
            try:
                document = (await self.http.get(await self._jwks_url())).json()
                keys = jwt.PyJWKSet.from_dict(document).keys
            except (httpx.HTTPError, ValueError, jwt.PyJWTError) as error:
                log.warning("gateway.jwks_unavailable", error=repr(error))
                return  # the keys we have stay; a token with an unknown kid gets 401
            self.keys = {str(k.key_id): k.key for k in keys if k.public_key_use in (None, "sig")}
            # A key the provider no longer lists (rotated out, or withdrawn) vouches for nothing.
            self.validated = {t: v for t, v in self.validated.items() if v.kid in self.keys}
            log.info("gateway.jwks_refreshed", keys=len(self.keys))

    async def _jwks_url(self) -> str:
        if self.settings.oidc_jwks_url:
            return self.settings.oidc_jwks_url
        return str((await self.http.get(self.settings.discovery_url())).json()["jwks_uri"])


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
