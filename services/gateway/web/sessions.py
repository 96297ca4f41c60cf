"""Signed-in browsers: a random session id in an HttpOnly, SameSite=Lax cookie (Secure in
production); the tokens stay on the server, never in the browser. Each session has its own
CSRF token, which every form carries and every POST must present.

Kept in the gateway's memory: one gateway instance per deployment for now, and staff sign in
again after the gateway restarts."""

import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import Response

COOKIE = "rapport_session"
LOGIN_COOKIE = "rapport_login"  # binds the sign-in's state to the browser that started it
LOGIN_SECONDS = 600


@dataclass
class WebSession:
    subject: str
    roles: tuple[str, ...]
    sites: tuple[str, ...]
    access_token: str
    refresh_token: str | None
    id_token: str | None
    expires_at: float  # of the access token (monotonic seconds)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    last_seen: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class PendingLogin:
    verifier: str
    nonce: str
    next_path: str
    started: float = field(default_factory=time.monotonic)


class Sessions:
    def __init__(self, idle_seconds: float):
        self.idle = idle_seconds
        self.live: dict[str, WebSession] = {}
        self.pending: dict[str, PendingLogin] = {}

    def of(self, request: Request) -> WebSession | None:
        sid = request.cookies.get(COOKIE)
        found = self.live.get(sid) if sid else None
        now = time.monotonic()
        if found is None or now - found.last_seen > self.idle:
            self.live.pop(sid or "", None)
            return None
        found.last_seen = now
        return found

    def open(self, session: WebSession) -> str:
        self._forget_old()
        sid = secrets.token_urlsafe(32)
        self.live[sid] = session
        return sid

    def close(self, request: Request) -> WebSession | None:
        return self.live.pop(request.cookies.get(COOKIE) or "", None)

    def start_login(self, login: PendingLogin) -> str:
        self._forget_old()
        state = secrets.token_urlsafe(32)
        self.pending[state] = login
        return state

    def finish_login(self, state: str) -> PendingLogin | None:
        login = self.pending.pop(state, None)
        if login is None or time.monotonic() - login.started > LOGIN_SECONDS:
            return None
        return login

    def _forget_old(self) -> None:
        now = time.monotonic()
        self.live = {k: s for k, s in self.live.items() if now - s.last_seen <= self.idle}
        self.pending = {k: p for k, p in self.pending.items() if now - p.started <= LOGIN_SECONDS}


def set_cookie(response: Response, name: str, value: str, secure: bool, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/web"
    )


def csrf_ok(session: WebSession, presented: str | None) -> bool:
    return bool(presented) and secrets.compare_digest(session.csrf, presented or "")


async def form_of(request: Request) -> dict[str, str]:
    """An urlencoded form's fields, first value of each (the body is read once and kept)."""
    text = (await request.body()).decode(errors="replace")
    return {k: v[0] for k, v in parse_qs(text, max_num_fields=50).items()}
