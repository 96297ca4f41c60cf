"""The web app reads and acts through the gateway's own staff API, in process: each call goes
through the same token check, policy table, scope lookup, proxying and access events as a
call from any other staff app, with the signed-in member's own token (inprocess.py hands it
to the route's own handler)."""

import asyncio
import json
import time
from typing import Any

from fastapi import Request

from services.gateway.web import inprocess
from services.gateway.web.inprocess import Answer
from services.gateway.web.provider import Provider, SignInFailed
from services.gateway.web.sessions import WebSession
from shared.logging import CORRELATION_HEADER, current_correlation_id

REFRESH_BEFORE = 30.0  # seconds: a token this close to expiry is refreshed before a call
PARALLEL = 10  # calls of one page at once (a site's report is nine)


class SignedOut(Exception):
    """The session's tokens can no longer be refreshed: sign in again."""


class ApiError(Exception):
    def __init__(self, answer: Answer):
        super().__init__(answer.status_code)
        self.status = answer.status_code
        try:
            body = answer.json()
        except ValueError:
            body = {}
        self.detail = body.get("detail", answer.text[:300]) if isinstance(body, dict) else body


class StaffApi:
    def __init__(self, request: Request, session: WebSession):
        state = request.app.state
        self.request = request
        self.provider: Provider = state.web_provider
        self.sessions = state.web_sessions
        self.session = session
        self.limit = asyncio.Semaphore(PARALLEL)
        self.refreshing = asyncio.Lock()
        self.reason: str | None = None  # a break-glass read's stated reason, sent with each call

    async def _headers(self) -> dict[str, str]:
        session = self.session
        async with self.refreshing:  # a page's parallel calls refresh the tokens once
            if session.expires_at - time.time() < REFRESH_BEFORE:
                await self._refresh(session)
        headers = {"Authorization": f"Bearer {session.access_token}"}
        if self.reason:
            headers["X-Break-Glass-Reason"] = self.reason
        if cid := current_correlation_id():
            headers[CORRELATION_HEADER] = cid
        return headers

    async def _refresh(self, session: WebSession) -> None:
        if not session.refresh_token:
            raise SignedOut()
        try:
            tokens = await self.provider.refresh(session.refresh_token)
        except SignInFailed:
            raise SignedOut() from None
        session.access_token = tokens["access_token"]
        session.refresh_token = tokens.get("refresh_token", session.refresh_token)
        session.expires_at = tokens["expires_at"]
        await self.sessions.refreshed(session)  # every instance serves it the new ones

    async def call(self, method: str, path: str, params: dict[str, Any] | None = None,
                   body: Any = None) -> Answer:  # fmt: skip
        async with self.limit:
            headers = await self._headers()
            sent = b""
            if body is not None:
                sent = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            answer = await inprocess.call(self.request, method, path, headers, params, sent)
        if answer.status_code == 401:
            raise SignedOut()
        return answer

    async def get(self, path: str, **params: Any) -> Any:
        answer = await self.call("GET", path, params)
        if answer.status_code != 200:
            raise ApiError(answer)
        return answer.json()

    async def maybe(self, path: str) -> Any:
        """A part of a page: None where the caller may not see it or it is not there."""
        answer = await self.call("GET", path)
        return answer.json() if answer.status_code == 200 else None

    async def text(self, path: str) -> str | None:
        answer = await self.call("GET", path)
        return answer.text if answer.status_code == 200 else None

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        answer = await self.call("POST", path, body=body)
        if answer.status_code >= 300:
            raise ApiError(answer)
        return answer.json()
