"""Sign-in with the identity provider (authorisation code flow with PKCE), the session
cookie, and sign-out (the session forgotten here and at the provider)."""

import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.gateway.tokens import Unauthenticated
from services.gateway.web.provider import Provider, SignInFailed, nonce_of, pkce_pair
from services.gateway.web.render import page, refused
from services.gateway.web.session_store import Sessions
from services.gateway.web.sessions import (
    COOKIE,
    LOGIN_COOKIE,
    LOGIN_SECONDS,
    PendingLogin,
    WebSession,
    csrf_ok,
    form_of,
    set_cookie,
)
from services.gateway.web.state import web_router

router = web_router()


def _web(request: Request) -> Any:
    return request.app.state


def _secure(request: Request) -> bool:
    return bool(request.app.state.web_secure)


def _base(request: Request) -> str:
    return str(request.app.state.web_settings.public_url or request.base_url).rstrip("/")


def _safe_next(path: str | None) -> str:
    """Only a path of the web app: never an address elsewhere (an open redirect)."""
    if path and path.startswith("/web/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/web/"


@router.get("/login", include_in_schema=False)
async def login(request: Request, next: str | None = None) -> Response:
    provider: Provider = _web(request).web_provider
    verifier, challenge = pkce_pair()
    nonce = secrets.token_urlsafe(16)
    sessions: Sessions = _web(request).web_sessions
    state = await sessions.start_login(PendingLogin(verifier, nonce, _safe_next(next)))
    try:
        url = await provider.authorisation_url(
            f"{_base(request)}/web/callback", state, nonce, challenge
        )
    except SignInFailed as error:
        return page(request, "signin.html", None, status=503, problem=str(error))
    answer = RedirectResponse(url, status_code=303)
    set_cookie(answer, LOGIN_COOKIE, state, _secure(request), LOGIN_SECONDS)
    return answer


@router.get("/callback", include_in_schema=False)
async def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    sessions: Sessions = _web(request).web_sessions
    if request.cookies.get(LOGIN_COOKIE) != state or not state:
        return page(
            request,
            "signin.html",
            None,
            status=400,
            problem="This sign-in was not started in this browser; start again.",
        )
    login_ = await sessions.finish_login(state)
    if login_ is None or error or not code:
        return page(
            request,
            "signin.html",
            None,
            status=400,
            problem=error or "The sign-in took too long or was used; start again.",
        )
    provider: Provider = _web(request).web_provider
    try:
        tokens = await provider.exchange(code, f"{_base(request)}/web/callback", login_.verifier)
        if nonce_of(tokens.get("id_token")) != login_.nonce:
            raise SignInFailed("the identity provider's answer is not for this sign-in")
        who = await _web(request).tokens.principal(f"Bearer {tokens['access_token']}")
    except (SignInFailed, Unauthenticated) as failed:
        return page(request, "signin.html", None, status=400, problem=str(failed))
    session = WebSession(
        who.subject,
        who.roles,
        who.sites,
        tokens["access_token"],
        tokens.get("refresh_token"),
        tokens.get("id_token"),
        tokens["expires_at"],
    )
    answer = RedirectResponse(login_.next_path, status_code=303)
    set_cookie(answer, COOKIE, await sessions.open(session), _secure(request), 12 * 3600)
    answer.delete_cookie(LOGIN_COOKIE, path="/web")
    return answer


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    sessions: Sessions = _web(request).web_sessions
    session = await sessions.of(request)
    form = await form_of(request)
    if session is None:
        return RedirectResponse("/web/", status_code=303)
    if not csrf_ok(session, str(form.get("csrf") or "")):
        return refused(request, session, "The form is missing its CSRF token; reload the page.")
    await sessions.close(request)
    try:
        url = await _web(request).web_provider.sign_out_url(
            session.id_token, f"{_base(request)}/web/"
        )
    except SignInFailed:
        url = "/web/"
    answer = RedirectResponse(url, status_code=303)
    answer.delete_cookie(COOKIE, path="/web")
    return answer
