"""The identity provider's side of the sign-in: the authorisation code flow with PKCE (S256)
at the endpoints its discovery document names, and refreshing an expiring access token."""

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from services.gateway.web.settings import WebSettings


class SignInFailed(Exception):
    """The provider refused or the answer is not what the sign-in needs."""


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Provider:
    def __init__(self, discovery_url: str, settings: WebSettings):
        # The gateway's settings say where: not always at the issuer's address (in compose,
        # the browser's address of Keycloak is not the gateway container's).
        self.discovery_url, self.settings = discovery_url, settings
        self.http = httpx.AsyncClient(timeout=10.0)
        self.discovery: dict[str, Any] | None = None

    async def endpoint(self, name: str) -> str:
        if self.discovery is None:
            try:
                answer = await self.http.get(self.discovery_url)
                self.discovery = answer.raise_for_status().json()
            except (httpx.HTTPError, ValueError) as error:
                raise SignInFailed(f"the identity provider cannot be reached: {error}") from None
        return str(self.discovery[name])

    async def authorisation_url(
        self, redirect_uri: str, state: str, nonce: str, challenge: str
    ) -> str:
        query = {
            "client_id": self.settings.client_id,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": redirect_uri,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{await self.endpoint('authorization_endpoint')}?{urlencode(query)}"

    async def exchange(self, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
        return await self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            }
        )

    async def refresh(self, refresh_token: str) -> dict[str, Any]:
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def _token(self, form: dict[str, str]) -> dict[str, Any]:
        form["client_id"] = self.settings.client_id
        try:
            answer = await self.http.post(await self.endpoint("token_endpoint"), data=form)
        except httpx.HTTPError as error:
            raise SignInFailed(f"the identity provider cannot be reached: {error}") from None
        if answer.status_code != 200:
            raise SignInFailed(f"the identity provider refused: {answer.text[:200]}")
        tokens: dict[str, Any] = answer.json()
        tokens["expires_at"] = time.time() + float(tokens.get("expires_in", 60))
        return tokens

    async def sign_out_url(self, id_token: str | None, back_to: str) -> str:
        query = {"client_id": self.settings.client_id, "post_logout_redirect_uri": back_to}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{await self.endpoint('end_session_endpoint')}?{urlencode(query)}"


def nonce_of(id_token: str | None) -> str | None:
    """The nonce of an ID token the token endpoint gave us directly (over the back channel,
    so its signature need not be checked again: the access token is, by the gateway)."""
    if not id_token:
        return None
    claims = jwt.decode(id_token, options={"verify_signature": False})
    return claims.get("nonce")
