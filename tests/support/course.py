"""Helpers of the whole-course e2e test: staff through the gateway with real Keycloak tokens,
scheduling's test clock, the course's dates, and answers whose scores improve.

The course is laid in a past autumn: intake refuses dates in the future (its clock is the
machine's), so a course it can end with a goodbye letter and a discharge must have been held
already. Scheduling plans and records it under its test clock (X-Clock). The gateway does not
pass X-Clock on, so the scheduling commands that need the clock go straight to scheduling
with the assertion the gateway would sign for the same therapist (`Clocked`)."""

import asyncio
import random
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import httpx

from tests.e2e.gateway_support import token_of
from tests.support.clock import LONDON
from tests.support.gateway_identity import as_staff

T = TypeVar("T")
# A site of the run's own, its staff new to Keycloak: a demo site of a long-lived machine holds
# every earlier run's clients, a waiting list too long to find this one on
SITE = f"course-{secrets.token_hex(3)}"


class Staff:
    """The gateway as each member of staff sees it: one token per user, fetched once; the
    course's site's staff are new to Keycloak (tests/e2e/gateway_support.py: new_staff)."""

    AT_THE_SITE = ("therapist", "intake_worker", "supervisor")  # the roles, in __init__'s order

    def __init__(self, gateway: httpx.AsyncClient, therapist: str, intake: str, duty: str):
        self.gateway, self.therapist, self.intake, self.duty = gateway, therapist, intake, duty
        self.tokens: dict[str, str] = {}
        self.case_reads: Counter[str] = Counter()  # reads of the case the gateway records

    def count(self, user: str, method: str, path: str, status: int) -> None:
        if method == "GET" and status == 200 and ("/cases/" in path or "/forms/forms/" in path):
            self.case_reads[user] += 1

    async def headers(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            self.tokens[user] = await token_of(user)
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    async def call(self, user: str, method: str, path: str, body: Any = None,
                   status: tuple[int, ...] = (200, 201), **params: Any) -> Any:  # fmt: skip
        headers = await self.headers(user) if user != "client" else {}
        answer = await self.gateway.request(method, path, json=body, headers=headers,
                                            params=params or None)  # fmt: skip
        assert answer.status_code in status, f"{method} {path}: {answer.text}"
        self.count(user, method, path, answer.status_code)
        return answer.json() if answer.content else None


class Clocked:
    """Scheduling's commands at a given moment (X-Clock, its test environment only), sent as
    the gateway would send them for the therapist: the one step the gateway cannot pass on."""

    def __init__(self, scheduling_url: str, therapist: str):
        self.http = httpx.AsyncClient(base_url=scheduling_url, timeout=30,
                                      auth=as_staff(therapist, "therapist", (SITE,)))  # fmt: skip

    async def post(self, path: str, body: dict[str, Any], at: datetime) -> dict[str, Any]:
        for _ in range(10):  # scheduling's consumers may change the course at that moment
            answer = await self.http.post(path, json=body, headers={"X-Clock": at.isoformat()})
            if answer.status_code != 409 or answer.json()["title"] != "Concurrent change":
                break
            await asyncio.sleep(0.2)
        assert answer.status_code in (200, 201), f"POST {path}: {answer.text}"
        return answer.json()  # type: ignore[no-any-return]


def october_change(year: int) -> date:
    """The last Sunday of October: London goes from BST back to GMT."""
    last = date(year, 10, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def first_session_day(year: int, weekday: int) -> date:
    """Ten weeks before the week of the clock change, so the break over it falls mid-course
    and the course ends before Christmas."""
    monday_after = october_change(year) + timedelta(days=1)
    return monday_after - timedelta(weeks=10) + timedelta(days=weekday)


def random_slot() -> tuple[int, int, str]:
    """A past autumn, weekday and hour, at random: runs cover other years' clock changes."""
    return random.randint(2008, 2024), random.randint(1, 3), f"{random.randint(9, 15):02d}:00"


def local_day(instant: str) -> date:
    return datetime.fromisoformat(instant).astimezone(LONDON).date()


def after(instant: str, minutes: int) -> datetime:
    return datetime.fromisoformat(instant) + timedelta(minutes=minutes)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), LONDON).astimezone(UTC)


def live(course: dict[str, Any], number: int) -> dict[str, Any]:
    return next(s for s in course["sessions"]
                if s["session_number"] == number and s["status"] in ("booked", "held"))  # fmt: skip


def spread(total: int, items: int) -> list[str]:
    """Item answers (0-3) summing to `total`."""
    return [str(min(3, max(0, total - 3 * i))) for i in range(items)]


def pre_session_answers(phq9: int, gad7: int, item9: int = 0) -> list[dict[str, Any]]:
    phq = [*spread(phq9 - item9, 8), str(item9)]
    risk = {f"risk-{n}": "no" for n in range(2, 8)} | {"risk-1": "0", "risk-5": "yes"}
    return [
        {"questionnaire": "phq9", "version": 1,
         "answers": {f"phq9-{n + 1}": a for n, a in enumerate(phq)}},
        {"questionnaire": "gad7", "version": 1,
         "answers": {f"gad7-{n + 1}": a for n, a in enumerate(spread(gad7, 7))}},
        {"questionnaire": "risk", "version": 1, "answers": risk},
    ]  # fmt: skip


def scores(number: int) -> tuple[int, int]:
    """PHQ-9 and GAD-7 before session `number`: 18 and 15 at first, none by the end."""
    return max(0, 18 - (number - 1) * 2), max(0, 15 - (number - 1) * 2)


async def eventually(probe: Callable[[], Awaitable[T | None]], what: str,
                     seconds: float = 60) -> T:  # fmt: skip
    for _ in range(int(seconds * 4)):
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"{what}: not within {seconds}s")
