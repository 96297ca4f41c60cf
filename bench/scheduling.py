"""Scheduling benchmark (issue 10): 32 concurrent clients plan 16-session courses across 20
therapists and 10 rooms, choosing slots at random so that requests collide on purpose (the
loser gets 409 and tries another slot). Prints sessions booked per second with p50/p99
latency of the plan requests, beside intake's referrals per second measured in the same run
on the same machine, and counts overlapping reservations in the database afterwards (must
be 0). Goal: at least 500 sessions booked per second on 2 cores. Run with `make bench`.

    python bench/scheduling.py [--courses N] [--referrals N]
"""

import argparse
import asyncio
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import asyncpg

from bench.cpu import CpuMeter
from tests.support.gateway_identity import as_staff, signing
from tests.support.stack import STAFF, Stack

CLIENTS, THERAPISTS, ROOMS = 32, 20, 10
WEEKS = 12  # first sessions fall in the next 12 weeks: enough collisions, not a saturated diary
TIMES = [f"{hour:02}:00" for hour in range(9, 17)]
THERAPIST = as_staff("bench-therapist", "therapist")
OVERLAPS = """
SELECT count(*) FROM scheduling_reservations a JOIN scheduling_reservations b
  ON a.reservation_id < b.reservation_id AND a.during && b.during
 AND (a.therapist_id = b.therapist_id OR (a.site_id = b.site_id AND a.room_id = b.room_id))
"""


def days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


async def post(session: aiohttp.ClientSession, path: str, body: dict) -> dict:
    async with session.post(path, json=body) as response:
        assert response.status in (200, 201), await response.text()
        return await response.json()


async def in_parallel(count: int, work) -> None:
    remaining = iter(range(count))

    async def client() -> None:
        for n in remaining:
            await work(n)

    await asyncio.gather(*(client() for _ in range(CLIENTS)))


async def referrals_per_second(intake: aiohttp.ClientSession, count: int, site: str) -> float:
    body = {
        "referral_source": "gp",
        "referral_date": days_ago(30),
        "site_id": site,
        "client": {"name": "Bench Example"},
    }
    started = time.perf_counter()
    await in_parallel(count, lambda _: post(intake, "/referrals", body))
    return count / (time.perf_counter() - started)


async def allocate(intake: aiohttp.ClientSession, site: str, therapist: str) -> str:
    case = await post(
        intake,
        "/referrals",
        {
            "referral_source": "gp",
            "site_id": site,
            "referral_date": days_ago(30),
            "client": {"name": "Bench Example"},
        },
    )
    path = f"/cases/{case['case_id']}"
    when = (datetime.now(UTC) - timedelta(days=25)).isoformat()
    await post(intake, f"{path}/assessment", {"scheduled_for": when, "assessor_id": "bench-a"})
    await post(
        intake,
        f"{path}/assessment/outcome",
        {"suitable": True, "reason": "bench", "assessed_on": days_ago(25)},
    )
    await post(
        intake, f"{path}/allocation", {"therapist_id": therapist, "allocated_on": days_ago(20)}
    )
    return case["case_id"]


async def plan_until_booked(
    sched: aiohttp.ClientSession, case_id: str, room: str | None, stats: dict
) -> None:
    """Random slots until one is free: a 409 names the clash and the client tries again."""
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=14 - today.weekday())
    for _ in range(60):
        first = monday + timedelta(weeks=random.randrange(WEEKS), days=random.randrange(5))
        body = {
            "first_date": first.isoformat(),
            "local_time": random.choice(TIMES),
            "mode": "room" if room else "video",
            "room_id": room,
        }
        started = time.perf_counter()
        async with sched.post(f"/cases/{case_id}/course/plan", json=body) as response:
            await response.read()
            stats["latencies"].append(time.perf_counter() - started)
            if response.status == 200:
                stats["booked"] += 16
                return
            assert response.status in (409, 422), await response.text()
            stats["refused"] += 1
    stats["gave_up"] += 1


async def wait_for_courses(sched: aiohttp.ClientSession, case_ids: list[str]) -> None:
    for case_id in case_ids:
        for _ in range(600):
            async with sched.get(f"/cases/{case_id}/course") as response:
                if response.status == 200:
                    break
            await asyncio.sleep(0.1)


async def bench(courses: int, referrals: int) -> None:
    run = uuid4().hex[:6]
    site, therapists = f"bench-{run}", [f"bench-{run}-t{n}" for n in range(THERAPISTS)]
    stack = Stack()
    try:
        await stack.up("intake", "scheduling")
        async with (
            aiohttp.ClientSession(stack.url("intake"), middlewares=(signing(STAFF),)) as intake,
            aiohttp.ClientSession(
                stack.url("scheduling"), middlewares=(signing(THERAPIST),)
            ) as sched,
        ):
            intake_rate = await referrals_per_second(intake, referrals, site)
            await post(sched, "/sites", {"site_id": site, "name": "Bench centre"})
            for n in range(ROOMS):
                await post(sched, f"/sites/{site}/rooms", {"room_id": f"r{n}", "name": f"R{n}"})
            case_ids: list[str] = [""] * courses

            async def allocate_one(n: int) -> None:
                case_ids[n] = await allocate(intake, site, therapists[n % THERAPISTS])

            await in_parallel(courses, allocate_one)
            await wait_for_courses(sched, case_ids)
            stats = {"latencies": [], "booked": 0, "refused": 0, "gave_up": 0}
            rooms = [f"r{n % ROOMS}" if n % 2 == 0 else None for n in range(courses)]
            # PostgreSQL is left out: its backends come and go, so /proc cannot sum them here.
            meter = CpuMeter(
                {"scheduling (HTTP, checks, relay)": [stack.processes["scheduling"].pid]}
            )
            meter.start()
            started = time.perf_counter()
            await in_parallel(
                courses, lambda n: plan_until_booked(sched, case_ids[n], rooms[n], stats)
            )
            elapsed = time.perf_counter() - started
            stats["cpu"] = meter.stop()
        await report(stats, elapsed, intake_rate, site, courses, referrals)
    finally:
        stack.stop_all()


async def report(
    stats: dict, elapsed: float, intake_rate: float, site: str, courses: int, referrals: int
) -> None:
    conn = await asyncpg.connect(os.environ["SCHEDULING_DATABASE_URL"])
    try:
        overlaps = await conn.fetchval(OVERLAPS)
        ours = await conn.fetchval(
            "SELECT count(*) FROM scheduling_reservations WHERE site_id = $1", site
        )
    finally:
        await conn.close()
    latencies = sorted(stats["latencies"])
    rate = stats["booked"] / elapsed
    print(
        f"\nscheduling: {courses} courses of 16 sessions, {CLIENTS} clients, {THERAPISTS}"
        f" therapists, {ROOMS} rooms (half the courses in a room), random slots"
    )
    print(
        f"  sessions booked {stats['booked']} in {elapsed:.1f} s: {rate:.0f} sessions/s"
        f" (goal 500/s); {stats['refused']} plans refused as clashes and retried,"
        f" {stats['gave_up']} gave up"
    )
    print(
        f"  plan request latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms,"
        f" p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms,"
        f" over {len(latencies)} requests"
    )
    print(
        f"  baseline, same run: intake {intake_rate:.0f} referrals/s ({referrals} referrals,"
        f" {CLIENTS} clients); sessions booked per referral-time: {rate / intake_rate:.1f}x"
    )
    print(
        f"  reservations of this run: {ours}; overlaps in the whole table: {overlaps} (must be 0)"
    )
    requests = len(latencies)
    for name, seconds in stats["cpu"].items():
        print(
            f"    CPU {name}: {seconds / max(stats['booked'], 1) * 1000:.2f} ms per session"
            f" booked, {seconds / max(requests, 1) * 1000:.1f} ms per plan request"
            f" (machine load average {os.getloadavg()[0]:.1f})"
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=320)
    parser.add_argument("--referrals", type=int, default=2000)
    args = parser.parse_args()
    await bench(args.courses, args.referrals)


if __name__ == "__main__":
    asyncio.run(main())
