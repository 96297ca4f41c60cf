"""Staff web app benchmark (issue 13): the server time of each page, signed in through
Keycloak's real login form, with N seeded cases at two sites (half allocated, some courses
planned), beside the staff API's case overview (the JSON the case page builds on) in the
same run. Goal: every page under 50 ms at p99.

    python bench/web.py [--cases 1000] [--requests 200]
"""

import argparse
import asyncio
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from tests.browser.browser import chromium
from tests.browser.browser import signed_in as browser_sign_in
from tests.e2e.gateway_support import bearer
from tests.support.stack import Stack

SITES = ("north", "south")


async def seed(gateway: str, cases: int) -> dict[str, list[str]]:
    """Referred, assessed, and every other one allocated to the site's demo therapist (the
    allocated ones returned)."""
    made: dict[str, list[str]] = {site: [] for site in SITES}
    today = date.today()
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as api:
        staff = {site: await bearer(f"intake_worker.{site}") for site in SITES}
        limit = asyncio.Semaphore(20)

        async def one(n: int) -> None:
            site = SITES[n % 2]
            async with limit:
                body = {
                    "referral_source": "gp",
                    "site_id": site,
                    "client": {"name": f"Bench {n}"},
                    "referral_date": (today - timedelta(days=30 + n % 150)).isoformat(),
                }
                case = (await api.post("/intake/referrals", json=body, headers=staff[site])).json()
                path, when = f"/intake/cases/{case['case_id']}", today - timedelta(days=29)
                steps = [
                    ("assessment", {"scheduled_for": f"{when}T10:00:00+00:00", "assessor_id": "a"}),
                    (
                        "assessment/outcome",
                        {"suitable": True, "reason": "Suitable.", "assessed_on": when.isoformat()},
                    ),
                ]
                if n % 4 < 2:
                    steps.append(
                        (
                            "allocation",
                            {
                                "therapist_id": f"therapist.{site}",
                                "allocated_on": today.isoformat(),
                            },
                        )
                    )
                for step, sent in steps:
                    await api.post(f"{path}/{step}", json=sent, headers=staff[site])
                if n % 4 < 2:  # the allocated ones, for courses
                    made[site].append(case["case_id"])

        await asyncio.gather(*(one(n) for n in range(cases)))
    return made


async def plan_some(gateway: str, case_ids: list[str], site: str, wanted: int = 30) -> str:
    """Courses of the site's therapist in free weekly slots from next Monday; one case kept."""
    headers = await bearer(f"therapist.{site}")
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    planned = ""
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as api:
        for case_id in case_ids[: wanted * 3]:
            # Spread over the coming year and every five minutes: tests book this diary too.
            day = monday + timedelta(weeks=random.randint(1, 52), days=random.randint(0, 4))
            plan = {
                "first_date": day.isoformat(),
                "mode": "video",
                "sessions": 16,
                "local_time": f"{random.randint(9, 15):02d}:{random.randrange(0, 60, 5):02d}",
            }
            for _ in range(50):  # the course opens when intake's allocation reaches scheduling
                answer = await api.post(
                    f"/scheduling/cases/{case_id}/course/plan", json=plan, headers=headers
                )
                if answer.status_code != 404:
                    break
                await asyncio.sleep(0.2)
            if answer.status_code == 200:
                planned, wanted = case_id, wanted - 1
            elif answer.status_code not in (409, 422):  # a clash or a closure: another day
                raise AssertionError(f"plan refused: {answer.status_code} {answer.text}")
            if wanted == 0:
                break
    if not planned:
        raise AssertionError(f"no course planned: {answer.text}")
    return planned


async def signed_in(gateway: str, username: str) -> httpx.AsyncClient:
    """Signed in through Keycloak's login page in chromium (Keycloak's own cookies need a
    browser), then the session cookie handed to an HTTP client for the timing."""
    async with chromium() as browser:
        page = await browser_sign_in(browser, gateway, username)
        cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    client = httpx.AsyncClient(base_url=gateway, timeout=60)
    client.cookies.set("rapport_session", cookies["rapport_session"], path="/web")
    return client


async def timed(client: httpx.AsyncClient, path: str, requests: int, **headers: str) -> list[float]:
    taken = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = await client.get(path, headers=headers)
        taken.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
    return sorted(taken)


async def main(cases: int, requests: int) -> None:
    stack = Stack(env={"GATEWAY_RATE_LIMIT_REQUESTS": "10000000"})
    await stack.up("intake", "scheduling", "forms", "audit", "gateway")
    try:
        gateway = stack.url("gateway")
        started = time.perf_counter()
        made = await seed(gateway, cases)
        case_id = await plan_some(gateway, made["north"], "north")
        print(f"seeded {cases} cases at two sites in {time.perf_counter() - started:.0f} s")
        rows = [
            ("therapist", "/web/today"),
            ("therapist", f"/web/cases/{case_id}"),
            ("supervisor", "/web/risk"),
            ("intake_worker", "/web/waiting"),
            ("site_manager", "/web/reports"),
            ("auditor", f"/web/audit/cases/{case_id}"),
        ]
        results = {}
        for role, path in rows:
            async with await signed_in(gateway, f"{role}.north") as client:
                results[f"{role:13} {path.split('/')[2]}"] = await timed(client, path, requests)
        async with httpx.AsyncClient(base_url=gateway) as api:
            token = (await bearer("therapist.north"))["Authorization"]
            results["API case overview (JSON)"] = await timed(
                api, f"/gateway/cases/{case_id}/overview", requests, Authorization=token
            )
    finally:
        stack.stop_all()
    print(f"\nweb app: {requests} sequential requests per page (goal: p99 under 50 ms)")
    for name, taken in results.items():
        p50, p99 = taken[len(taken) // 2], taken[int(len(taken) * 0.99) - 1]
        verdict = "ok" if p99 < 50 else "over the goal"
        print(f"  {name:30} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.cases, args.requests))
