"""What the fault tests watch from outside: the ledger, and which relays say they publish."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import httpx

from tests.support.gateway_identity import AUDITOR

RELAY_STATES = {"publishing", "standby", "broker_unreachable"}


async def ledger_counts(audit_url: str, case_ids: set[str], seconds: float = 90) -> Counter[str]:
    """Page through the whole ledger until every case id has an entry; return how many
    entries each of them has (every referral here is one event)."""
    counts: Counter[str] = Counter()
    after = -1
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    async with httpx.AsyncClient(base_url=audit_url, auth=AUDITOR, timeout=30) as audit:
        while True:
            entries = await _page(audit, after)
            for entry in entries:
                if entry["case_id"] in case_ids:
                    counts[entry["case_id"]] += 1
                after = entry["leaf_index"]
            if not entries and case_ids <= counts.keys():
                return counts  # read to the end: a later second entry would count too
            if not entries:
                if loop.time() > deadline:
                    break
                await asyncio.sleep(0.2)
    missing = case_ids - counts.keys()
    raise AssertionError(f"{len(missing)} of {len(case_ids)} acknowledged referrals never "
                         f"reached the ledger in {seconds}s: {sorted(missing)[:3]}")  # fmt: skip


async def _page(audit: httpx.AsyncClient, after: int) -> list[dict]:
    try:
        start = {"after": after} if after >= 0 else {}  # left out: from the first leaf
        response = await audit.get("/ledger/entries", params={**start, "limit": 1000})
    except httpx.TransportError:
        await asyncio.sleep(0.5)
        return []
    return response.json()["items"] if response.status_code == 200 else []


async def relay_health(client: httpx.AsyncClient) -> dict:
    """The relay's part of the instance's readiness body; {} when the instance does not
    answer or names no relay."""
    try:
        body = (await client.get("/health/ready", timeout=2)).json()
    except (httpx.TransportError, ValueError):
        return {}
    components = body.get("components") or {}
    for name, component in components.items():
        state = component.get("state") if isinstance(component, dict) else None
        if "relay" in name or state in RELAY_STATES:
            return component
    return {}


async def relay_state(client: httpx.AsyncClient) -> str | None:
    return (await relay_health(client)).get("state")


@dataclass
class RelayWatch:
    """Samples, every 100 ms, the relay state of each instance of one service."""

    urls: list[str]
    samples: list[tuple[float, dict[str, str | None]]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    def start(self) -> "RelayWatch":
        self._task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> "RelayWatch":
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return self

    async def _run(self) -> None:
        clients = [httpx.AsyncClient(base_url=url) for url in self.urls]
        loop = asyncio.get_running_loop()
        try:
            while True:
                states = await asyncio.gather(*(relay_state(c) for c in clients))
                self.samples.append((loop.time(), dict(zip(self.urls, states, strict=True))))
                await asyncio.sleep(0.1)
        finally:
            for client in clients:
                await client.aclose()

    def most_publishing_at_once(self) -> int:
        return max((_publishing(s) for _, s in self.samples), default=0)

    def longest_without_publisher(self) -> float:
        """Seconds of the longest run of samples in which no instance said it publishes."""
        longest, since = 0.0, None
        for at, states in self.samples:
            if _publishing(states):
                since = None
            else:
                since = at if since is None else since
                longest = max(longest, at - since)
        return longest

    def last(self) -> dict[str, str | None]:
        return self.samples[-1][1] if self.samples else {}


def _publishing(states: dict[str, str | None]) -> int:
    return sum(state == "publishing" for state in states.values())


async def degraded_within(url: str, seconds: float) -> dict[str, str]:
    """The components an instance names as degraded (with their state), once it names none
    (or at the end)."""
    degraded = {"(no answer)": ""}
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(int(seconds * 4)):
            try:
                body = (await client.get("/health/ready")).json()
                components = body.get("components") or {}
                degraded = {n: components.get(n, {}).get("state") for n in body["degraded"]}
            except (httpx.TransportError, ValueError, KeyError):
                degraded = {"(no answer)": ""}
            if not degraded:
                break
            await asyncio.sleep(0.25)
    return degraded
