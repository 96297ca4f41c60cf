"""Staff web app benchmark (issue 13): the server time of each page, signed in through
Keycloak's real login form, with N seeded cases at two new sites (half allocated to the
site's new therapist, a full week of courses planned), beside the staff API's JSON views the
pages build on, in the same run; with the CPU each page costs the gateway and each service
(steadier than wall time on a shared machine). Goal: every page under 50 ms at p99.

    python bench/web.py [--cases 1000] [--requests 200]
"""

import argparse
import asyncio
import secrets
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.cpu import cpu_seconds, quiet
from tests.browser.browser import chromium
from tests.browser.browser import signed_in as browser_sign_in
from tests.e2e.gateway_support import bearer, new_staff
from tests.support.stack import Stack

ROLES = ("therapist", "supervisor", "intake_worker", "site_manager", "auditor")


async def fresh_sites() -> tuple[tuple[str, str], dict[tuple[str, str], str]]:
    """Two new sites registered in scheduling, and new staff of each role at the first (an
    intake worker and a therapist at the second): the pages show this run's 1,000 cases,
    not what every earlier run on a long-lived machine left at the demo sites."""
    run = secrets.token_hex(3)
    sites = (f"web-{run}-a", f"web-{run}-b")
    staff = {(role, sites[0]): await new_staff(role, sites[0]) for role in ROLES}
    for role in ("intake_worker", "therapist"):
        staff[role, sites[1]] = await new_staff(role, sites[1])
    return sites, staff


async def register(gateway: str, sites: tuple[str, str]) -> None:
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as api:
        admin = await bearer("admin.north")
        for site in sites:
            answer = await api.post("/scheduling/sites", json={"site_id": site, "name": site},
                                    headers=admin)  # fmt: skip
            assert answer.status_code in (200, 201), answer.text


async def seed(gateway: str, cases: int, sites: tuple[str, str],
               staff: dict[tuple[str, str], str]) -> dict[str, list[str]]:  # fmt: skip
    """Referred, assessed, and every other one allocated to the site's therapist (the
    allocated ones returned)."""
    made: dict[str, list[str]] = {site: [] for site in sites}
    today = date.today()
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as api:
        workers = {site: await bearer(staff["intake_worker", site]) for site in sites}
        limit = asyncio.Semaphore(20)

        async def one(n: int) -> None:
            site = sites[n % 2]
            async with limit:
                body = {
                    "referral_source": "gp",
                    "site_id": site,
                    "client": {"name": f"Bench {n}"},
                    "referral_date": (today - timedelta(days=30 + n % 150)).isoformat(),
                }
                case = await sent(api, "/intake/referrals", body, workers[site])
                path, when = f"/intake/cases/{case['case_id']}", today - timedelta(days=29)
                steps: list[tuple[str, dict[str, Any]]] = [
                    ("assessment", {"scheduled_for": f"{when}T10:00:00+00:00", "assessor_id": "a"}),
                    ("assessment/outcome",
                     {"suitable": True, "reason": "Suitable.", "assessed_on": when.isoformat()}),
                ]  # fmt: skip
                if n % 4 < 2:
                    allocation = {"therapist_id": staff["therapist", site],
                                  "allocated_on": today.isoformat()}  # fmt: skip
                    steps.append(("allocation", allocation))
                for step, step_body in steps:
                    await sent(api, f"{path}/{step}", step_body, workers[site])
                if n % 4 < 2:  # the allocated ones, for courses
                    made[site].append(case["case_id"])

        await asyncio.gather(*(one(n) for n in range(cases)))
    return made


async def sent(api: httpx.AsyncClient, path: str, body: dict[str, Any],
               headers: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """A seeding command, again after a busy service's 503 (a loaded machine)."""
    for _ in range(10):
        answer = await api.post(path, json=body, headers=headers)
        if answer.status_code != 503:
            break
        await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
    assert answer.status_code in (200, 201), (path, answer.status_code, answer.text[:300])
    return answer.json()  # type: ignore[no-any-return]


async def in_the_ledger(gateway: str, case_id: str, auditor: str) -> None:
    """The audited case's events reach the ledger through Kafka, behind every other run's."""
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as api:
        headers = await bearer(auditor)
        for _ in range(300):
            if (await api.get(f"/audit/cases/{case_id}/history", headers=headers)).is_success:
                return
            await asyncio.sleep(1)


def next_monday() -> date:
    return date.today() + timedelta(days=7 - date.today().weekday())


async def plan_week(gateway: str, case_ids: list[str], therapist: str, wanted: int = 20) -> str:
    """A full week for the therapist from next Monday: courses at four times on each weekday
    (a bank holiday refused is skipped); one case kept for the case page."""
    headers = await bearer(therapist)
    slots = [(day, hour) for day in range(5) for hour in (9, 11, 13, 15)]
    planned = ""
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as api:
        # as many as there are allocated cases (a quarter of --cases at each site)
        for (day, hour), case_id in zip(slots[:wanted], case_ids, strict=False):
            plan = {"first_date": (next_monday() + timedelta(days=day)).isoformat(),
                    "mode": "video", "sessions": 16, "local_time": f"{hour:02d}:00"}  # fmt: skip
            for _ in range(50):  # the course opens when intake's allocation reaches scheduling
                answer = await api.post(
                    f"/scheduling/cases/{case_id}/course/plan", json=plan, headers=headers
                )
                if answer.status_code != 404:
                    break
                await asyncio.sleep(0.2)
            if answer.status_code == 200:
                planned = case_id
            elif answer.status_code not in (409, 422):  # a clash or a closure: another day
                raise AssertionError(f"plan refused: {answer.status_code} {answer.text}")
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


class Meter:
    """CPU seconds of the gateway and of the services behind it over one page's run: on a
    machine others load, steadier than the wall time."""

    def __init__(self, stack: Stack):
        self.pids = {name: process.pid for name, process in stack.processes.items()}

    def read(self) -> dict[str, float]:
        return {name: cpu_seconds(pid) for name, pid in self.pids.items()}


Figures = tuple[float, float]  # p50 ms, CPU ms per request (every process)


def report(name: str, taken: list[float], cpu: dict[str, float], requests: int,
           baseline: Figures | None) -> Figures:  # fmt: skip
    p50, p99 = taken[len(taken) // 2], taken[max(0, int(len(taken) * 0.99) - 1)]
    each = " ".join(f"{k} {v * 1000 / requests:.1f}" for k, v in cpu.items())
    total = sum(cpu.values()) * 1000 / requests
    ratio = f"x{p50 / baseline[0]:4.1f} time x{total / baseline[1]:4.1f} CPU" if baseline else ""
    verdict = "ok" if p99 < 50 else "over the goal"
    print(f"  {name:34} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  {verdict:13} {ratio:22}"
          f" CPU ms/request: {total:.1f} = {each}", flush=True)  # fmt: skip
    return p50, total


async def measure(stack: Stack, name: str, client: httpx.AsyncClient, path: str, requests: int,
                  baseline: Figures | None = None, **headers: str) -> Figures | None:  # fmt: skip
    meter = Meter(stack)
    before = meter.read()
    try:
        taken = await timed(client, path, requests, **headers)
    except AssertionError as failed:
        print(f"  {name:34} failed: {str(failed)[:160]}", flush=True)
        return None
    after = meter.read()
    return report(name, taken, {k: after[k] - before[k] for k in after}, requests, baseline)


async def main(cases: int, requests: int) -> None:
    stack = Stack(env={"GATEWAY_RATE_LIMIT_REQUESTS": "10000000"})
    await stack.up("intake", "scheduling", "forms", "audit", "gateway")
    try:
        gateway = stack.url("gateway")
        started = time.perf_counter()
        sites, staff = await fresh_sites()
        await register(gateway, sites)
        made = await seed(gateway, cases, sites, staff)
        site, therapist = sites[0], staff["therapist", sites[0]]
        case_id = await plan_week(gateway, made[site], therapist)
        audited = made[site][-1]  # read by the auditor only: its replay grows by its reads
        print(f"seeded {cases} cases at {' and '.join(sites)} in"
              f" {time.perf_counter() - started:.0f} s")  # fmt: skip
        await in_the_ledger(gateway, audited, staff["auditor", site])
        services = [process.pid for process in stack.processes.values()]
        print(f"services idle after another {await quiet(services):.0f} s")
        print(f"\n{requests} sequential requests each (goal: p99 under 50 ms); the ratios are"
              " to the staff API's case overview (JSON), measured first in this run")  # fmt: skip
        async with httpx.AsyncClient(base_url=gateway, timeout=60) as api:
            apis = [
                ("therapist", "case overview", f"/gateway/cases/{case_id}/overview"),
                ("therapist", "therapist's today",
                 f"/gateway/therapists/{therapist}/today?week={next_monday()}"),
                ("supervisor", "site's risk dashboard", f"/gateway/sites/{site}/risk-dashboard"),
            ]  # fmt: skip
            baseline = None
            for role, name, path in apis:
                token = (await bearer(staff[role, site]))["Authorization"]
                found = await measure(stack, f"API {name}", api, path, requests, baseline,
                                      Authorization=token)  # fmt: skip
                baseline = baseline or found
        rows = [
            ("therapist", f"/web/today?week={next_monday()}"),
            ("therapist", f"/web/cases/{case_id}"),
            ("supervisor", "/web/risk"),
            ("intake_worker", "/web/waiting"),
            ("site_manager", "/web/reports"),
            ("auditor", f"/web/audit/cases/{audited}"),
        ]
        for role, path in rows:
            async with await signed_in(gateway, staff[role, site]) as client:
                name = f"page {role} {path.split('/')[2].split('?')[0]}"
                await measure(stack, name, client, path, requests, baseline)
    finally:
        stack.stop_all()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.cases, args.requests))
