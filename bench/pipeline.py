"""Pipeline benchmark (issue 2): store appends beside their peers, then referrals per second
from POST /referrals to the audit ledger, with latency percentiles. Run with `make bench`.

    python bench/pipeline.py [--appends N] [--referrals N]
"""

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import asyncpg

from bench.appends import measure
from bench.cpu import CpuMeter, pids_of
from shared.envelope import event_id_of
from tests.support.gateway_identity import signing
from tests.support.stack import STAFF, Stack

REFERRAL = {
    "referral_source": "gp",
    "referral_date": "2026-11-02",
    "site_id": "bench",
    "client": {"name": "Bench Example"},
}


def print_appends(results: dict[str, dict[int, float]]) -> None:
    print("\n(a-c) appends per second, new aggregate with one event, same database")
    for name, by_writers in results.items():
        print(f"  {name:24} 1 writer {by_writers[1]:8.0f}/s   16 writers {by_writers[16]:8.0f}/s")
    ours, peer, plain = (results[k] for k in results)
    for w in (1, 16):
        print(
            f"  {w:2} writers: store / library = {ours[w] / peer[w]:.1f}x,"
            f" store / plain inserts = {ours[w] / plain[w]:.2f}"
        )


async def post_referrals(
    intake: str, count: int, concurrency: int, posted: dict[UUID, float]
) -> None:
    """The load of `concurrency` staff apps; aiohttp, as httpx's client cannot keep up."""
    remaining = iter(range(count))
    async with aiohttp.ClientSession(intake, middlewares=(signing(STAFF),)) as session:

        async def poster() -> None:
            for _ in remaining:
                async with session.post("/referrals", json=REFERRAL) as response:
                    assert response.status == 201, await response.text()
                    case_id = UUID((await response.json())["case_id"])
                posted[event_id_of("intake", case_id, 1)] = time.perf_counter()

        await asyncio.gather(*(poster() for _ in range(concurrency)))


async def watch_ledger(posted: dict[UUID, float], seen: dict[UUID, float], done) -> None:
    """Note when each event becomes visible in the ledger, until every posted one is."""
    conn = await asyncpg.connect(os.environ["AUDIT_DATABASE_URL"])
    after = await conn.fetchval("SELECT coalesce(max(leaf_index), -1) FROM ledger_entries")
    try:
        while not (done.is_set() and posted.keys() <= seen.keys()):
            rows = await conn.fetch(
                "SELECT leaf_index, event_id FROM ledger_entries"
                " WHERE leaf_index > $1 ORDER BY leaf_index",
                after,
            )
            now = time.perf_counter()
            for row in rows:
                seen.setdefault(UUID(str(row["event_id"])), now)
                after = row["leaf_index"]
            await asyncio.sleep(0.02)
    finally:
        await conn.close()


async def pipeline(count: int) -> None:
    stack = Stack()
    try:
        await stack.up("intake", "audit")
        meter = CpuMeter({
            "intake (HTTP + relay)": [stack.processes["intake"].pid],
            "audit (consumer + ledger)": [stack.processes["audit"].pid],
            "Kafka broker": pids_of("kafka.Kafka"),
            "PostgreSQL": pids_of("postgres"),
            "load generator": [os.getpid()],
        })  # fmt: skip
        posted: dict[UUID, float] = {}
        seen: dict[UUID, float] = {}
        meter.start()
        started = time.perf_counter()
        all_posted = asyncio.Event()
        watcher = asyncio.create_task(watch_ledger(posted, seen, all_posted))
        await post_referrals(stack.url("intake"), count, 32, posted)
        post_rate = count / (time.perf_counter() - started)
        all_posted.set()
        await asyncio.wait_for(watcher, timeout=300)
        elapsed = max(seen[e] for e in posted) - started
        used = meter.stop()
        latencies = sorted(seen[e] - posted[e] for e in posted)
        print(f"\n(d) {count} referrals, POST /referrals to ledger entry visible")
        print(f"  POST rate {post_rate:.0f}/s; end to end {count / elapsed:.0f} events/s sustained")
        print(
            f"  latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms,"
            f" p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms,"
            f" max {latencies[-1] * 1000:.0f} ms"
        )
        print(f"  CPU per event (2 cores = {2000 / (count / elapsed):.2f} ms available per event):")
        for name, seconds in used.items():
            print(f"    {name:28} {seconds / count * 1000:.2f} ms")
    finally:
        stack.stop_all()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appends", type=int, default=3000)
    parser.add_argument("--referrals", type=int, default=10_000)
    args = parser.parse_args()
    print_appends(await measure(args.appends))
    await pipeline(args.referrals)


if __name__ == "__main__":
    asyncio.run(main())
