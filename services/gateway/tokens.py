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
STAFF_ID = re.compile(r"[\x21-\x7e]{1,128}")  # the subject becomes the actor id of events


class Unauthenticated(Exception):
    """401: no token, or one that is not valid."""


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: tuple[str, ...]
    sites: tuple[str, ...]
    token_id: str  # for the rate limit: one bucket per token


class TokenValidator:
    def __init__(self, settings: GatewaySettings, http: httpx.AsyncClient):
        self.settings, self.http = settings, http
        self.keys: dict[str, Any] = {}
        self.fetched_at = 0.0
        self.lock = asyncio.Lock()

    async def principal(self, authorization: str | None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("an Authorization: Bearer <token> header is required")
        token = token.strip()
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
        return self._principal(claims, token)

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
            log.info("gateway.jwks_refreshed", keys=len(self.keys))

    async def _jwks_url(self) -> str:
        if self.settings.oidc_jwks_url:
            return self.settings.oidc_jwks_url
        discovery = f"{self.settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration"
        return str((await self.http.get(discovery)).json()["jwks_uri"])


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
