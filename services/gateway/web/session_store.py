"""Web sessions and sign-ins in progress, kept in the gateway's PostgreSQL database: a
gateway restart signs nobody out, and any instance serves any signed-in browser.

A row is found by the SHA-256 of the cookie's value (a copy of the table opens no session);
the tokens are sealed with AES-GCM under a key derived from the gateway's assertion key,
which every instance holds. A session idle longer than the setting is gone; one is touched
at most once a minute, so a page costs one read, not a write too. Sign-out deletes it."""

import base64
import hashlib
import json
import secrets

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request

from services.gateway.web.sessions import COOKIE, LOGIN_SECONDS, PendingLogin, WebSession
from shared.schema import create_idempotently

SCHEMA = """
CREATE TABLE IF NOT EXISTS gateway_web_session (
    sid_sha256 text PRIMARY KEY,
    subject text NOT NULL,
    roles text[] NOT NULL,
    sites text[] NOT NULL,
    csrf text NOT NULL,
    sealed bytea NOT NULL,
    token_expires_at double precision NOT NULL,
    last_seen timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS gateway_web_session_seen ON gateway_web_session (last_seen);
CREATE TABLE IF NOT EXISTS gateway_web_login (
    state_sha256 text PRIMARY KEY,
    sealed bytea NOT NULL,
    started timestamptz NOT NULL DEFAULT now()
);
"""
TOUCH_SECONDS = 60  # last_seen is written again only when older than this
FIND = """
SELECT subject, roles, sites, csrf, sealed, token_expires_at,
       last_seen < now() - make_interval(secs => $3) AS stale
FROM gateway_web_session WHERE sid_sha256 = $1 AND last_seen > now() - make_interval(secs => $2)
"""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class Sessions:
    def __init__(self, pool: asyncpg.Pool, assertion_seed_b64: str, idle_seconds: float):
        self.pool, self.idle = pool, float(idle_seconds)
        key = HKDF(SHA256(), 32, salt=None, info=b"rapport gateway web sessions").derive(
            base64.b64decode(assertion_seed_b64)
        )
        self.aead = AESGCM(key)

    async def ensure_schema(self) -> None:
        async with self.pool.acquire() as conn:
            await create_idempotently(conn, SCHEMA)

    def _seal(self, what: dict[str, str | None], bound_to: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self.aead.encrypt(nonce, json.dumps(what).encode(), bound_to.encode())

    def _open(self, sealed: bytes, bound_to: str) -> dict[str, str | None]:
        return json.loads(self.aead.decrypt(sealed[:12], sealed[12:], bound_to.encode()))  # type: ignore[no-any-return]

    async def of(self, request: Request) -> WebSession | None:
        sid = request.cookies.get(COOKIE)
        if not sid:
            return None
        key = _digest(sid)
        row = await self.pool.fetchrow(FIND, key, self.idle, float(TOUCH_SECONDS))
        if row is None:
            return None
        if row["stale"]:
            await self.pool.execute(
                "UPDATE gateway_web_session SET last_seen = now() WHERE sid_sha256 = $1", key
            )
        tokens = self._open(row["sealed"], key)
        return WebSession(row["subject"], tuple(row["roles"]), tuple(row["sites"]),
                          str(tokens["access"]), tokens["refresh"], tokens["id"],
                          row["token_expires_at"], row["csrf"], sid)  # fmt: skip

    async def open(self, session: WebSession) -> str:
        """Keep a new session; its id is the cookie's value. Idle ones are deleted here."""
        await self.pool.execute(
            "DELETE FROM gateway_web_session WHERE last_seen < now() - make_interval(secs => $1)",
            self.idle,
        )
        session.sid = secrets.token_urlsafe(32)
        key = _digest(session.sid)
        await self.pool.execute(
            "INSERT INTO gateway_web_session (sid_sha256, subject, roles, sites, csrf, sealed,"
            " token_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            key, session.subject, list(session.roles), list(session.sites), session.csrf,
            self._sealed_tokens(session, key), session.expires_at,
        )  # fmt: skip
        return session.sid

    def _sealed_tokens(self, session: WebSession, key: str) -> bytes:
        tokens = {"access": session.access_token, "refresh": session.refresh_token,
                  "id": session.id_token}  # fmt: skip
        return self._seal(tokens, key)

    async def refreshed(self, session: WebSession) -> None:
        """The session's tokens after a refresh at the identity provider."""
        key = _digest(session.sid)
        await self.pool.execute(
            "UPDATE gateway_web_session SET sealed = $2, token_expires_at = $3"
            " WHERE sid_sha256 = $1", key, self._sealed_tokens(session, key), session.expires_at,
        )  # fmt: skip

    async def close(self, request: Request) -> None:
        sid = request.cookies.get(COOKIE)
        if sid:
            await self.pool.execute(
                "DELETE FROM gateway_web_session WHERE sid_sha256 = $1", _digest(sid)
            )

    async def start_login(self, login: PendingLogin) -> str:
        state = secrets.token_urlsafe(32)
        key = _digest(state)
        await self.pool.execute(
            "DELETE FROM gateway_web_login WHERE started < now() - make_interval(secs => $1)",
            float(LOGIN_SECONDS),
        )
        sealed = self._seal({"verifier": login.verifier, "nonce": login.nonce,
                             "next": login.next_path}, key)  # fmt: skip
        await self.pool.execute(
            "INSERT INTO gateway_web_login (state_sha256, sealed) VALUES ($1, $2)", key, sealed
        )
        return state

    async def finish_login(self, state: str) -> PendingLogin | None:
        """The sign-in this state started, once (it is deleted), if not too old."""
        key = _digest(state)
        row = await self.pool.fetchrow(
            "DELETE FROM gateway_web_login WHERE state_sha256 = $1"
            " RETURNING sealed, started > now() - make_interval(secs => $2) AS fresh",
            key, float(LOGIN_SECONDS),
        )  # fmt: skip
        if row is None or not row["fresh"]:
            return None
        found = self._open(row["sealed"], key)
        return PendingLogin(str(found["verifier"]), str(found["nonce"]), str(found["next"]))
