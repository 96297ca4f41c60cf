"""Gateway benchmark (issue 12): a case overview and a command (POST a referral) under 50
concurrent clients, through the gateway with a real Keycloak token, beside the same requests
sent straight to the services (signed as the gateway signs) in the same run. Goal: the
gateway adds under 5 ms at p99 and keeps at least 70% of the direct throughput.

Two layouts: the gateway and the clients on one CPU and everything behind the gateway on the
other, as when the gateway has a host of its own; then every process on both CPUs, as on one
small host. Each request is sent straight, through the gateway, then straight again, each
row once the machine is quiet: the two straight rows show how far a figure moves by itself.

Each row also shows the CPU time per request of the gateway, of the services behind it and
of this process (the clients), read from /proc: steadier than wall time on a shared machine.
With 50 clients in a closed loop, latency is clients / throughput (Little's law): on a
machine whose CPUs are all busy, +5 ms at p99 asks for nearly all of the direct throughput.

    python bench/gateway.py [--requests N] [--clients N]
"""

import argparse
import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from bench.cpu import CpuMeter, apart, pids_of, settle
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
    # stopped (by `timeout`, say), the run still gives PostgreSQL and Kafka all CPUs back
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)  # type: ignore[union-attr]
    stack = Stack(env={"GATEWAY_RATE_LIMIT_REQUESTS": "10000000"})
    await stack.up("intake", "scheduling", "forms", "audit", "gateway")
    try:
        gateway = stack.processes["gateway"].pid
        behind = [p.pid for name, p in stack.processes.items() if name != "gateway"]
        print(f"gateway: {requests} requests per row, {clients} concurrent clients")
        # As deployed, the gateway has a host of its own: here the gateway and the clients
        # get one CPU, the services, PostgreSQL and Kafka the other, so what the gateway adds
        # is not the services' CPU it takes. Then the same with every process on every CPU,
        # the way a single small host would run it: there the gateway's CPU is theirs.
        with apart([gateway, os.getpid()],
                   lambda: behind + pids_of("postgres") + pids_of("kafka.Kafka")):  # fmt: skip
            report("the gateway on a CPU of its own", await measure(stack, requests, clients))
        report("every process sharing both CPUs", await measure(stack, requests, clients))
    finally:
        stack.stop_all()


async def measure(stack: Stack, requests: int, clients: int) -> dict[str, dict[str, float]]:
    """Each request straight, through the gateway, then straight again: how far the two
    straight rows differ is the noise a difference must stand above."""
    urls = {name: stack.url(name) for name in ("intake", "scheduling", "forms", "gateway")}
    # CPU per request is steadier than wall time on a machine others load too.
    services = [stack.processes[name].pid for name in ("intake", "scheduling", "forms")]
    meter = CpuMeter({"gateway": [stack.processes["gateway"].pid], "services": services,
                      "clients": [os.getpid()]})  # fmt: skip
    async with await session_for(urls["gateway"], "intake_worker", True) as session:
        async with session.post("/intake/referrals", json=REFERRAL) as created:
            case_id = (await created.json())["case_id"]  # one case of the site to show
    calls: dict[tuple[str, bool], Call] = {
        ("command", True): lambda s: refer(s, "/intake/referrals"),
        ("command", False): lambda s: refer(s, urls["intake"] + "/referrals"),
        ("overview", True): overview_through(case_id),
        ("overview", False): overview_direct(case_id, urls),
    }
    role = {"command": "intake_worker", "overview": "supervisor"}
    results: dict[str, dict[str, float]] = {}
    for what in ("command", "overview"):
        for row, through in (("straight", False), ("through the gateway", True),
                             ("straight again", False)):  # fmt: skip
            async with await session_for(urls["gateway"], role[what], through) as session:
                await settle()  # the last row's events reach the ledger before this row starts
                meter.start()
                result = await load(session, calls[what, through], requests, clients)
                used = meter.stop()
            result.update({f"{name} cpu": t / requests * 1000 for name, t in used.items()})
            results[f"{what} {row}"] = result
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


def report(layout: str, results: dict[str, dict[str, float]]) -> None:
    print(f"  {layout}:")
    for name, r in results.items():
        print(f"    {name:28} {r['rps']:5.0f}/s   p50 {r['p50']:6.1f} ms   p99 {r['p99']:6.1f} ms"
              f"   CPU ms/request: gateway {r['gateway cpu']:4.2f}, services"
              f" {r['services cpu']:4.2f}, clients {r['clients cpu']:4.2f}")  # fmt: skip
    for what in ("command", "overview"):
        t = results[f"{what} through the gateway"]
        first, again = results[f"{what} straight"], results[f"{what} straight again"]
        rps, p99 = (first["rps"] + again["rps"]) / 2, (first["p99"] + again["p99"]) / 2
        print(f"    {what} through the gateway: {t['rps'] / rps:.0%} of the direct throughput"
              f" (goal >= 70%), p99 {t['p99'] - p99:+.1f} ms (goal < +5 ms); the two straight"
              f" rows differ by {abs(first['p99'] - again['p99']):.1f} ms at p99,"
              f" {abs(first['rps'] - again['rps']) / rps:.0%} in throughput")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    default = int(os.environ.get("BENCH_GATEWAY_REQUESTS", "2000"))
    parser.add_argument("--requests", type=int, default=default)
    parser.add_argument("--clients", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.clients))
