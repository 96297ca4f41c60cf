"""The gateway as the demo's staff and clients use it: a token per demo user (from Keycloak,
fetched again when it expires), every call counted, and a progress bar on the terminal."""

import asyncio
import sys
from collections import Counter
from typing import Any

import httpx

from services.gateway.devtoken import token


class Refused(Exception):
    """The gateway (or a service behind it) said no: the demo stops and says why."""


class Progress:
    def __init__(self, total: int, width: int = 32):
        self.total, self.done, self.width = total, 0, width

    def tick(self, label: str) -> None:
        self.done = min(self.total, self.done + 1)
        filled = self.width * self.done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stdout.write(f"\r[{bar}] {self.done:>3}/{self.total} {label[:40]:<40}")
        sys.stdout.flush()
        if self.done == self.total:
            sys.stdout.write("\n")


class Gateway:
    def __init__(self, url: str, site: str):
        self.http = httpx.AsyncClient(base_url=url, timeout=30)
        self.site, self.tokens, self.calls = site, {}, Counter()  # type: ignore[var-annotated]

    async def headers(self, role: str, fresh: bool = False) -> dict[str, str]:
        if role == "client":  # the client's link is its own authentication
            return {}
        if fresh or role not in self.tokens:
            self.tokens[role] = await asyncio.to_thread(token, role, self.site)
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    async def call(self, role: str, method: str, path: str, body: Any = None,
                   ok: tuple[int, ...] = (200, 201), **params: Any) -> Any:  # fmt: skip
        answer = await self._send(role, method, path, body, params)
        if answer.status_code == 401 and role != "client":  # the token expired: a new one
            await self.headers(role, fresh=True)
            answer = await self._send(role, method, path, body, params)
        self.calls[f"{method} {answer.status_code}"] += 1
        if answer.status_code not in ok:
            raise Refused(f"{role}: {method} {path} -> {answer.status_code} {answer.text}")
        if answer.headers.get("content-type", "").startswith("application/json"):
            return answer.json()
        return answer.text

    async def _send(self, role: str, method: str, path: str, body: Any,
                    params: dict[str, Any]) -> httpx.Response:  # fmt: skip
        headers = await self.headers(role)
        return await self.http.request(method, path, json=body, headers=headers,
                                       params=params or None)  # fmt: skip

    async def close(self) -> None:
        await self.http.aclose()
