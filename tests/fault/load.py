"""Load for the fault tests: referrals posted by a few keep-alive clients, spread over the
instances given, and what each answer was. Only acknowledged (201) referrals count as made;
a request whose answer never came may or may not have been stored."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import httpx

from tests.support.gateway_identity import as_staff

REFERRAL = {
    "referral_source": "self",
    "referral_date": date.today().isoformat(),
    "site_id": "east",
    "client": {"name": "Fault Example"},
}
STAFF = as_staff("staff-fault", "intake_worker")  # signed as the gateway signs
# Errors on a connection that was open: the server broke it (or died). A refused connection
# (httpx.ConnectError) means nothing listens: the instance is down.
BROKEN = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


@dataclass
class Load:
    urls: list[str]
    workers: int = 4
    acknowledged: dict[str, str] = field(default_factory=dict)  # case id -> url that took it
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)  # (url, error type)
    last_ack: dict[str, float] = field(default_factory=dict)  # url -> loop time
    unavailable_without_retry_after: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> "Load":
        self._tasks = [asyncio.create_task(self._worker(n)) for n in range(self.workers)]
        return self

    async def stop(self) -> "Load":
        self._stop.set()
        await asyncio.gather(*self._tasks)
        return self

    async def wait_acknowledged(self, count: int, url: str | None = None, seconds=60) -> None:
        """Until `count` referrals were acknowledged (by `url`, when given)."""
        for _ in range(int(seconds * 20)):
            took = [u for u in self.acknowledged.values() if url is None or u == url]
            if len(took) >= count:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"fewer than {count} referrals acknowledged in {seconds}s")

    def broken(self, url: str | None = None) -> int:
        """Requests whose open connection broke."""
        return sum(n for (u, kind), n in self.errors.items() if kind in _BROKEN_NAMES
                   and (url is None or u == url))  # fmt: skip

    async def _worker(self, number: int) -> None:
        turn = number
        async with httpx.AsyncClient(auth=STAFF, timeout=30) as client:
            while not self._stop.is_set():
                url = self.urls[turn % len(self.urls)]
                turn += 1
                await self._post(client, url)

    async def _post(self, client: httpx.AsyncClient, url: str) -> None:
        try:
            response = await client.post(f"{url}/referrals", json=REFERRAL)
        except httpx.TransportError as error:
            self.errors[(url, type(error).__name__)] += 1
            await asyncio.sleep(0.05)
            return
        self.statuses[response.status_code] += 1
        if response.status_code == 201:
            self.acknowledged[response.json()["case_id"]] = url
            self.last_ack[url] = asyncio.get_running_loop().time()
        elif response.status_code == 503:
            self.unavailable_without_retry_after += "retry-after" not in response.headers
            await asyncio.sleep(min(float(response.headers.get("retry-after", "0.1")), 1.0))


_BROKEN_NAMES = {kind.__name__ for kind in BROKEN}
