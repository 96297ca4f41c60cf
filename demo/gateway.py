"""The gateway as the demo's staff and clients use it: a token per demo user (from Keycloak,
fetched again when it expires), every call counted, and a progress bar on the terminal."""

import asyncio
import sys
from collections import Counter
from typing import Any

import httpx

from demo.staff import token_of


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
        self.users = {"therapist": f"therapist.{site}"}  # role -> username; <role>.<site> else

    async def headers(self, role: str, fresh: bool = False) -> dict[str, str]:
        if role == "client":  # the client's link is its own authentication
            return {}
        if fresh or role not in self.tokens:
            user = self.users.get(role, f"{role}.{self.site}")
            self.tokens[role] = await asyncio.to_thread(token_of, user)
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    async def call(self, role: str, method: str, path: str, body: Any = None,
                   ok: tuple[int, ...] = (200, 201), **params: Any) -> Any:  # fmt: skip
        answer = await self._send(role, method, path, body, params)
        if answer.status_code == 401 and role != "client":  # the token expired: a new one
            await self.headers(role, fresh=True)
            answer = await self._send(role, method, path, body, params)
        for _ in range(30):
            if answer.status_code == 429:  # the gateway's limit per token: wait as it says
                await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
            elif answer.status_code == 409 and "Concurrent change" in answer.text:
                await asyncio.sleep(0.2)  # a service's consumer changed the record just then
            else:
                break
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
