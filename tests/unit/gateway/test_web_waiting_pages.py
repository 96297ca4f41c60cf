"""A long waiting list comes a page at a time: the page asks intake for one page of each
site and for the counts, says how many wait and which of them it shows, and links the
pages either side; the filter narrows the count with the list."""

from datetime import date, timedelta
from typing import Any

from starlette.requests import Request

from services.gateway.web.sessions import WebSession
from services.gateway.web.waiting import SHOWN, waiting_list

WAITING = 1200  # two pages and a bit
PAST_18_WEEKS = 700


class Intake:
    """The staff API's answers for a site of 1,200 waiting, 700 of them past 18 weeks."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, Any]]] = []

    async def get(self, path: str, **params: Any) -> Any:
        self.asked.append((path, params))
        if path.endswith("/waiting-standards"):
            return {"waiting": WAITING, "within_6_weeks": 100,
                    "within_18_weeks": WAITING - PAST_18_WEEKS}  # fmt: skip
        total = PAST_18_WEEKS if params.get("past_weeks") == 18 else WAITING
        numbers = range(params["offset"], min(params["offset"] + params["limit"], total))
        return [entry(n) for n in numbers]


def entry(n: int) -> dict[str, Any]:
    waited = 400 - n // 10
    return {"case_id": f"{n:08d}-0000-4000-8000-000000000000", "status": "waiting",
            "episode_status": "waiting", "therapist_id": None, "paused_since": None,
            "referral_date": (date(2026, 11, 1) - timedelta(days=waited)).isoformat(),
            "waited_days": waited, "past_6_weeks": waited > 42,
            "past_18_weeks": waited > 126}  # fmt: skip


async def opened(query: str) -> tuple[str, Intake]:
    scope = {"type": "http", "method": "GET", "path": "/web/waiting", "headers": [],
             "query_string": query.encode()}  # fmt: skip
    session = WebSession("intake_worker.north", ("intake_worker",), ("north",), "token",
                         None, None, 0.0)  # fmt: skip
    intake = Intake()
    answer = await waiting_list(Request(scope), session, intake)  # type: ignore[arg-type]
    assert answer.status_code == 200
    return bytes(answer.body).decode(), intake


async def test_the_first_page_shows_the_oldest_and_links_to_later_referrals():
    html, intake = await opened("")
    assert f"north: {WAITING} waiting (1 to {SHOWN} shown, oldest referral first)" in html
    assert html.count("<tr class=") == SHOWN
    assert "page=2" in html and "Later referrals" in html and "Earlier referrals" not in html
    assert ("/intake/sites/north/waiting-list", {"limit": SHOWN, "offset": 0}) in intake.asked


async def test_the_last_page_links_back_and_no_further():
    html, _ = await opened("page=3")
    assert f"(1001 to {WAITING} shown, oldest referral first)" in html
    assert html.count("<tr class=") == WAITING - 2 * SHOWN
    assert "page=2" in html and "Earlier referrals" in html and "Later referrals" not in html


async def test_the_filter_counts_and_pages_only_those_waiting_past_its_weeks():
    html, intake = await opened("past_weeks=18&page=2")
    assert f"north: {PAST_18_WEEKS} waiting past 18 weeks (501 to 700 shown" in html
    assert "Later referrals" not in html
    assert "past_weeks=18&amp;page=1" in html
    assert ("/intake/sites/north/waiting-list",
            {"limit": SHOWN, "offset": SHOWN, "past_weeks": 18}) in intake.asked  # fmt: skip


async def test_a_page_number_that_is_not_one_opens_the_first_page():
    html, _ = await opened("page=abc&past_weeks=99")
    assert f"north: {WAITING} waiting (1 to {SHOWN} shown" in html
