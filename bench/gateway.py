"""Gateway benchmark (issue 12): a case overview and a command (POST a referral) under 50
concurrent clients, through the gateway with a real Keycloak token, beside the same requests
sent straight to the services (signed as the gateway signs) in the same run. Goal: the
gateway adds under 5 ms at p99 and keeps at least 70% of the direct throughput.

Two layouts: the gateway and the clients on one CPU and everything behind the gateway on the
other, as when the gateway has a host of its own; then every process on both CPUs, as on one
small host. Each request is sent straight and through the gateway in turns (straight first,
then through first, and so on), each turn once the services are idle; the straight turns
sent first and those sent second are compared too: how far a figure moves by itself.

Throughput is measured flat out: each client sends its next request when its last is
answered. Latency is measured paced, at half the straight throughput: request i is due at
i / rate seconds and its latency counts from then. Flat out, a closed loop's latency is
only its clients over its throughput (Little's law), so its p99 says nothing the
throughput does not; paced, the difference is the time the gateway adds to a request. A
last paced turn sends both ways in one, request by request, so that a slow spell of this
shared machine falls on both alike; its straight requests, split in two, show what noise
remains.
Turns last seconds, not a few thousand requests: in a turn of one or two seconds much of the
work (the ledger taking each event) came after it, and the flat-out figure, with half of it
the paced rate, was far above what the machine could keep up.

Each row also shows the CPU time per request of the gateway, of the services behind it
(the audit's ledger included), of PostgreSQL and Kafka, and of this process (the clients),
read from /proc: steadier than wall time on a shared machine.

    python bench/gateway.py [--seconds N] [--clients N] [--rounds N]
"""

import argparse
import asyncio
import itertools
import os
import secrets
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from bench.cpu import CpuMeter, apart, pids_of, quiet
from services.gateway.views import OVERVIEW_PARTS
from tests.e2e.gateway_support import new_staff, token_of
from tests.support.gateway_identity import as_staff, signing
from tests.support.stack import Stack

# A site and staff of this run's own: the tens of thousands of referrals a run makes would
# otherwise lengthen a demo site's waiting list for every later run, test and user.
SITE = f"bench-{secrets.token_hex(3)}"
REFERRAL = {"referral_source": "gp", "referral_date": "2026-11-02", "site_id": SITE,
            "client": {"name": "Bench Example"}}  # fmt: skip
Call = Callable[[aiohttp.ClientSession], Awaitable[None]]
PACED_SHARE = 0.5  # of the straight throughput: the rate latency is measured at
WARM_UP = 2.0  # seconds each way before the turns measured
USERS = {"command": "intake_worker", "overview": "supervisor"}  # who sends each request


Way = tuple[aiohttp.ClientSession, Call]


async def load(ways: list[Way], seconds: float, clients: int,
               rate: float | None = None) -> tuple[list[list[float]], float]:  # fmt: skip
    """The latency of each request sent for `seconds`, for each way, and the seconds all of
    them took. Request i goes the way i mod the number of ways. Without a rate, each client
    sends its next request as soon as its last is answered; with one, request i is due
    i / rate seconds after the start, and its latency counts from then: a request held back
    behind slow ones counts its wait too, as a user's would."""
    latencies: list[list[float]] = [[] for _ in ways]
    started = time.perf_counter()
    deadline, numbers = started + seconds, itertools.count()

    async def client() -> None:
        for i in numbers:
            due = started + i / rate if rate else time.perf_counter()
            if due >= deadline:
                return
            await asyncio.sleep(due - time.perf_counter())  # none when it is late
            session, call = ways[i % len(ways)]
            await call(session)
            latencies[i % len(ways)].append(time.perf_counter() - due)

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - started


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


async def main(seconds: float, clients: int, rounds: int) -> None:
    # stopped (by `timeout`, say), the run still gives PostgreSQL and Kafka all CPUs back
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)  # type: ignore[union-attr]
    stack = Stack(env={"GATEWAY_RATE_LIMIT_REQUESTS": "10000000"})
    await stack.up("intake", "scheduling", "forms", "audit", "gateway")
    try:
        gateway = stack.processes["gateway"].pid
        behind = [p.pid for name, p in stack.processes.items() if name != "gateway"]
        staff = {role: await new_staff(role, SITE) for role in ("intake_worker", "supervisor")}
        print(f"gateway: {rounds} turns of {seconds:g} s each way, {clients} concurrent clients")
        # As deployed, the gateway has a host of its own: here the gateway and the clients
        # get one CPU, the services, PostgreSQL and Kafka the other, so what the gateway adds
        # is not the services' CPU it takes. Then the same with every process on every CPU,
        # the way a single small host would run it: there the gateway's CPU is theirs.
        with apart([gateway, os.getpid()],
                   lambda: behind + pids_of("postgres") + pids_of("kafka.Kafka")):  # fmt: skip
            report("the gateway on a CPU of its own",
                   await measure(stack, staff, seconds, clients, rounds))  # fmt: skip
        report("every process sharing both CPUs",
               await measure(stack, staff, seconds, clients, rounds))  # fmt: skip
    finally:
        stack.stop_all()


@dataclass
class Row:
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: Counter[str] = field(default_factory=Counter)

    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(int(len(ordered) * q) - 1, 0)] * 1000

    def cpu_per_request(self, part: str) -> float:
        return self.cpu[part] / len(self.latencies) * 1000


async def measure(stack: Stack, staff: dict[str, str], seconds: float, clients: int,
                  rounds: int) -> dict[str, Row]:  # fmt: skip
    """Each request straight and through the gateway, first as fast as the clients can send
    (throughput), then at half the straight throughput (latency: on a machine running flat
    out, a closed loop's latency is only its clients over its throughput)."""
    urls = {name: stack.url(name) for name in ("intake", "scheduling", "forms", "gateway")}
    async with await session_for(urls["gateway"], staff["intake_worker"], True) as session:
        async with session.post("/intake/referrals", json=REFERRAL) as created:
            case_id = (await created.json())["case_id"]  # one case of the site to show
    calls: dict[tuple[str, bool], Call] = {
        ("command", True): lambda s: refer(s, "/intake/referrals"),
        ("command", False): lambda s: refer(s, urls["intake"] + "/referrals"),
        ("overview", True): overview_through(case_id),
        ("overview", False): overview_direct(case_id, urls),
    }
    rows: dict[str, Row] = defaultdict(Row)
    for what in ("command", "overview"):
        # not measured: the first requests open the pools' connections
        await turns(stack, defaultdict(Row), what, calls, staff, WARM_UP, clients, 1, None)
        await turns(stack, rows, what, calls, staff, seconds, clients, rounds, None)
        rate = rows[f"{what} straight"].rps() * PACED_SHARE
        await turns(stack, rows, what, calls, staff, seconds, clients, rounds, rate)
        await mixed(stack, rows, what, calls, staff, seconds * rounds, clients, rate)
    return rows


async def mixed(stack: Stack, rows: dict[str, Row], what: str,
                calls: dict[tuple[str, bool], Call], staff: dict[str, str], seconds: float,
                clients: int, rate: float) -> None:  # fmt: skip
    """Paced as the turns, but both ways in one turn, request by request: a slow spell of the
    machine falls on straight and through alike, where in the turns it falls on whichever
    is running. The straight requests are also kept in two halves, every other one: how far
    their p99s differ is what this turn cannot tell apart. The machine carries half of each
    way's load here, so the extra CPU of the gateway's way shows in the turns, not here."""
    gateway, username = stack.url("gateway"), staff[USERS[what]]
    everything = [process.pid for process in stack.processes.values()]
    async with (await session_for(gateway, username, False) as straight,
                await session_for(gateway, username, True) as through):  # fmt: skip
        await quiet(everything)
        ways = [(straight, calls[what, False]), (through, calls[what, True])] * 2
        (first, once, second, twice), took = await load(ways, seconds, clients, rate)
    for name, latencies in ((f"{what}, mixed straight", first + second),
                            (f"{what}, mixed through the gateway", once + twice),
                            (f"{what}, mixed straight, first", first),
                            (f"{what}, mixed straight, second", second)):  # fmt: skip
        rows[name].latencies += latencies
        rows[name].seconds += took


async def turns(stack: Stack, rows: dict[str, Row], what: str, calls: dict[tuple[str, bool], Call],
                staff: dict[str, str], seconds: float, clients: int, rounds: int,
                rate: float | None) -> None:  # fmt: skip
    """`rounds` turns each way, which goes first alternating, so a slow spell of the machine
    falls on both alike. The straight turns that went first and those that went second are
    also kept apart: how far they differ is the noise a difference must stand above."""
    # CPU per request is steadier than wall time on a machine others load too.
    services = [stack.processes[name].pid for name in ("intake", "scheduling", "forms", "audit")]
    meter = CpuMeter({"gateway": [stack.processes["gateway"].pid], "services": services,
                      "stores": pids_of("postgres") + pids_of("kafka.Kafka"),
                      "clients": [os.getpid()]})  # fmt: skip
    everything = [process.pid for process in stack.processes.values()]
    username = staff[USERS[what]]
    paced = "" if rate is None else ", paced"
    for turn in range(rounds):
        for through in (False, True) if turn % 2 == 0 else (True, False):
            async with await session_for(stack.url("gateway"), username, through) as session:
                await quiet(everything)  # the last turn's events reach the ledger first
                meter.start()
                [latencies], took = await load([(session, calls[what, through])], seconds,
                                               clients, rate)  # fmt: skip
                used = meter.stop()
            way = "through the gateway" if through else "straight"
            names = [f"{what}{paced} {way}"]
            if not through:
                names.append(f"{what}{paced} straight, {'first' if turn % 2 == 0 else 'second'}")
            for name in names:
                rows[name].latencies += latencies
                rows[name].seconds += took
                rows[name].cpu.update(used)


async def session_for(gateway: str, username: str, through: bool) -> aiohttp.ClientSession:
    """A staff app's session: its bearer token at the gateway, or, straight to the
    services, each request signed as the gateway signs it."""
    connector = aiohttp.TCPConnector(limit=200)
    if through:
        bearer = {"Authorization": f"Bearer {await token_of(username)}"}
        return aiohttp.ClientSession(gateway, headers=bearer, connector=connector)
    role = username.split(".")[0]  # new_staff's <role>.<site>.<random>
    return aiohttp.ClientSession(middlewares=(signing(as_staff(username, role, (SITE,))),),
                                 connector=connector)  # fmt: skip


def report(layout: str, rows: dict[str, Row]) -> None:
    print(f"  {layout}:")
    for what in ("command", "overview"):
        for mode in (what, f"{what}, paced"):
            for name in (f"{mode} straight", f"{mode} through the gateway"):
                r = rows[name]
                print(f"    {name:36} {r.rps():5.0f}/s   p50 {r.percentile(0.5):6.1f} ms"
                      f"   p99 {r.percentile(0.99):6.1f} ms   CPU ms/request: gateway"
                      f" {r.cpu_per_request('gateway'):4.2f}, services"
                      f" {r.cpu_per_request('services'):4.2f}, stores"
                      f" {r.cpu_per_request('stores'):4.2f}, clients"
                      f" {r.cpu_per_request('clients'):4.2f}")  # fmt: skip
        full, paced = (
            (f"{what} through the gateway", f"{what} straight"),
            (f"{what}, paced through the gateway", f"{what}, paced straight"),
        )
        print(f"    {what} through the gateway: {share(rows, *full):.0%} of the direct throughput"
              f" (goal >= 70%); p99 {added(rows, *paced):+.1f} ms at"
              f" {rows[paced[1]].rps():.0f}/s (goal < +5 ms), {added(rows, *full):+.1f} ms flat"
              f" out. Straight turns run first and second differ by"
              f" {noise(rows, f'{what}, paced'):.1f} ms at p99 paced, {noise(rows, what):.1f}"
              f" flat out")  # fmt: skip
        report_mixed(rows, what)


def report_mixed(rows: dict[str, Row], what: str) -> None:
    mode = f"{what}, mixed"
    straight, through = rows[f"{mode} straight"], rows[f"{mode} through the gateway"]
    both = straight.rps() + through.rps()
    print(
        f"    {what}, both ways paced in one turn ({both:.0f}/s in all): p50"
        f" {straight.percentile(0.5):.1f} ms straight, {through.percentile(0.5):.1f} through;"
        f" p99 {straight.percentile(0.99):.1f} and {through.percentile(0.99):.1f} ms,"
        f" {added(rows, f'{mode} through the gateway', f'{mode} straight'):+.1f} ms (goal"
        f" < +5 ms). Its straight halves differ by {noise(rows, mode):.1f} ms at p99"
    )


def share(rows: dict[str, Row], through: str, straight: str) -> float:
    return rows[through].rps() / rows[straight].rps()


def added(rows: dict[str, Row], through: str, straight: str) -> float:
    return rows[through].percentile(0.99) - rows[straight].percentile(0.99)


def noise(rows: dict[str, Row], mode: str) -> float:
    first, second = rows[f"{mode} straight, first"], rows[f"{mode} straight, second"]
    return abs(first.percentile(0.99) - second.percentile(0.99))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8, help="of each turn")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="turns of straight and through")
    arguments = parser.parse_args()
    if arguments.rounds < 2:
        parser.error("--rounds must be 2 or more: the noise compares the straight turns")
    asyncio.run(main(arguments.seconds, arguments.clients, arguments.rounds))
