"""Signed-in browsers: a random session id in an HttpOnly, SameSite=Lax cookie (Secure in
production); the tokens stay on the server, never in the browser. Each session has its own
CSRF token, which every form carries and every POST must present. Where sessions are kept
(the gateway's database, so a restart or a second instance keeps everyone signed in) is
session_store.py."""

import secrets
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
    expires_at: float  # of the access token (Unix seconds: instances share it)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    sid: str = ""  # the cookie's value, once the session is kept


@dataclass(frozen=True)
class PendingLogin:
    verifier: str
    nonce: str
    next_path: str


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
