"""Gateway benchmark (issue 12): a case overview and a command (POST a referral) under 50
concurrent clients, through the gateway with a real Keycloak token, beside the same requests
sent straight to the services (signed as the gateway signs) in the same run. Goal: the
gateway adds under 5 ms at p99 and keeps at least 70% of the direct throughput.

Each row also shows the CPU time per request of the gateway, of the services behind it and
of this process (the clients), read from /proc: steadier than wall time on a shared machine.
With 50 clients in a closed loop, latency is clients / throughput (Little's law): on a
machine whose CPUs are all busy, +5 ms at p99 asks for nearly all of the direct throughput.

    python bench/gateway.py [--requests N] [--clients N]
"""

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from bench.cpu import CpuMeter
from services.gateway.views import OVERVIEW_PARTS
from tests.e2e.gateway_support import token_of
from tests.support.gateway_identity import as_staff, signing
from tests.support.stack import Stack

REFERRAL = {"referral_source": "gp", "referral_date": "2026-11-02", "site_id": "north",
            "client": {"name": "Bench Example"}}  # fmt: skip
Call = Callable[[aiohttp.ClientSession], Awaitable[None]]


async def load(
    session: aiohttp.ClientSession, call: Call, requests: int, clients: int
) -> dict[str, float]:
    latencies: list[float] = []
    remaining = iter(range(requests))

    async def client() -> None:
        for _ in remaining:
            started = time.perf_counter()
            await call(session)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}  # fmt: skip


async def expect(response: aiohttp.ClientResponse, status: int) -> None:
    assert response.status == status, await response.text()
    await response.read()


def overview_through(case_id: str) -> Call:
    async def call(session: aiohttp.ClientSession) -> None:
        async with session.get(f"/gateway/cases/{case_id}/overview") as response:
            await expect(response, 200)

    return call


def overview_direct(case_id: str, urls: dict[str, str]) -> Call:
    """The same reads the gateway makes (each part of the overview, the case once), straight
    to the services, together."""
    parts = [(urls[service], path.format(case_id=case_id))
             for service, path, _ in OVERVIEW_PARTS.values()]  # fmt: skip

    async def call(session: aiohttp.ClientSession) -> None:
        async def one(base: str, path: str) -> None:
            async with session.get(base + path) as response:
                assert response.status in (200, 403, 404), await response.text()
                await response.read()

        await asyncio.gather(*(one(base, path) for base, path in parts))

    return call


async def refer(session: aiohttp.ClientSession, path: str) -> None:
    async with session.post(path, json=REFERRAL) as response:
        await expect(response, 201)


async def main(requests: int, clients: int) -> None:
    stack = Stack(env={"GATEWAY_RATE_LIMIT_REQUESTS": "10000000"})
    await stack.up("intake", "scheduling", "forms", "audit", "gateway")
    try:
        results = await measure(stack, requests, clients)
    finally:
        stack.stop_all()
    report(results, requests, clients)


async def measure(stack: Stack, requests: int, clients: int) -> dict[str, dict[str, float]]:
    urls = {name: stack.url(name) for name in ("intake", "scheduling", "forms", "gateway")}
    # CPU per request is steadier than wall time on a machine others load too.
    services = [stack.processes[name].pid for name in ("intake", "scheduling", "forms")]
    meter = CpuMeter({"gateway": [stack.processes["gateway"].pid], "services": services,
                      "clients": [os.getpid()]})  # fmt: skip
    results: dict[str, dict[str, float]] = {}
    rows = [  # (row, role, through the gateway?, the request)
        ("command through the gateway", "intake_worker", True, "refer"),
        ("command straight to intake", "intake_worker", False, "refer"),
        ("overview through the gateway", "supervisor", True, "overview"),
        ("overview straight (its reads)", "supervisor", False, "overview"),
    ]
    case_id = ""
    for row, role, through, what in rows:
        async with await session_for(urls["gateway"], role, through) as session:
            if not case_id:  # one case of the site to show
                async with session.post("/intake/referrals", json=REFERRAL) as created:
                    case_id = (await created.json())["case_id"]
            if what == "refer":
                path = "/intake/referrals" if through else urls["intake"] + "/referrals"
                call: Call = lambda s, path=path: refer(s, path)  # noqa: E731
            else:
                call = overview_through(case_id) if through else overview_direct(case_id, urls)
            meter.start()
            results[row] = await load(session, call, requests, clients)
            used = meter.stop()
            results[row].update(
                {f"{name} cpu": seconds / requests * 1000 for name, seconds in used.items()}
            )
    return results


async def session_for(gateway: str, role: str, through: bool) -> aiohttp.ClientSession:
    """A staff app's session: its bearer token at the gateway, or, straight to the
    services, each request signed as the gateway signs it."""
    connector = aiohttp.TCPConnector(limit=200)
    if through:
        bearer = {"Authorization": f"Bearer {await token_of(f'{role}.north')}"}
        return aiohttp.ClientSession(gateway, headers=bearer, connector=connector)
    staff = as_staff(f"{role}.north", role, ("north",))
    return aiohttp.ClientSession(middlewares=(signing(staff),), connector=connector)


def report(results: dict[str, dict[str, float]], requests: int, clients: int) -> None:
    print(f"\ngateway: {requests} requests per row, {clients} concurrent clients"
          f" (machine load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    for name, r in results.items():
        print(f"  {name:30} {r['rps']:7.0f}/s   p50 {r['p50']:6.1f} ms   p99 {r['p99']:6.1f} ms"
              f"   CPU ms/request: gateway {r['gateway cpu']:4.2f}, services"
              f" {r['services cpu']:4.2f}, clients {r['clients cpu']:4.2f}")  # fmt: skip
    names = list(results)
    for through, direct in ((names[0], names[1]), (names[2], names[3])):
        t, d = results[through], results[direct]
        print(f"  {through}: {t['rps'] / d['rps']:.0%} of the direct throughput (goal >= 70%),"
              f" p99 {t['p99'] - d['p99']:+.1f} ms (goal < +5 ms)")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    default = int(os.environ.get("BENCH_GATEWAY_REQUESTS", "2000"))
    parser.add_argument("--requests", type=int, default=default)
    parser.add_argument("--clients", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.clients))
