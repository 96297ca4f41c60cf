"""A course held before the site went live, entered afterwards through scheduling's API:
only a site manager may back-date a plan, only into the past, and then its sessions are held
on the machine's clock (no X-Clock). The ordinary plan keeps refusing the past."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest

from tests.e2e.scheduling_steps import allocated_case, course_when, site_with_room
from tests.support.gateway_identity import as_staff

MANAGER = as_staff("site_manager.e2e", "site_manager")


def monday_weeks_ago(weeks: int) -> str:
    today = datetime.now(UTC).date()
    return (today - timedelta(days=today.weekday(), weeks=weeks)).isoformat()


def plan(first_date: str, **change: str) -> dict:
    return {"first_date": first_date, "local_time": "10:00", "mode": "video",
            "reason": "held_before_go_live", **change}  # fmt: skip


@pytest.fixture
async def course(intake, scheduling) -> dict:
    site_id = await site_with_room(scheduling)
    case_id = await allocated_case(intake, site_id, f"t-{uuid4().hex[:8]}")
    return await course_when(scheduling, case_id)


@pytest.fixture
async def manager(scheduling_url: str):
    async with httpx.AsyncClient(base_url=scheduling_url, auth=MANAGER) as client:
        yield client


async def test_only_a_site_manager_may_back_date_and_only_into_the_past(
    course, scheduling, manager
):
    path = f"/cases/{course['case_id']}/course"
    by_therapist = await scheduling.post(f"{path}/backdated-plan", json=plan(monday_weeks_ago(6)))
    assert by_therapist.status_code == 403, by_therapist.text
    assert "site_manager" in by_therapist.text
    ordinary_plan = {k: v for k, v in plan(monday_weeks_ago(6)).items() if k != "reason"}
    ordinary = await scheduling.post(f"{path}/plan", json=ordinary_plan)
    assert ordinary.status_code == 422 and "future" in ordinary.text, ordinary.text
    future = await manager.post(f"{path}/backdated-plan", json=plan(monday_weeks_ago(-2)))
    assert future.status_code == 422 and "first_date" in future.text, future.text
    unknown = await manager.post(f"{path}/backdated-plan",
                                 json=plan(monday_weeks_ago(6), reason="forgot"))  # fmt: skip
    assert unknown.status_code == 422 and "reason" in unknown.text, unknown.text
    unchanged = (await scheduling.get(path)).json()
    assert unchanged["version"] == course["version"] and unchanged["status"] == "awaiting_plan"


async def test_a_back_dated_course_is_held_on_the_real_clock(course, scheduling, manager):
    path = f"/cases/{course['case_id']}/course"
    planned = await manager.post(f"{path}/backdated-plan", json=plan(monday_weeks_ago(6)))
    assert planned.status_code == 200, planned.text
    sessions = planned.json()["sessions"]
    now = datetime.now(UTC)
    past = [s for s in sessions if datetime.fromisoformat(s["starts_at"]) < now]
    assert len(sessions) == 16 and 4 <= len(past) <= 7
    first, future = past[0], next(s for s in sessions if s not in past)
    held = await scheduling.post(f"{path}/sessions/{first['session_id']}/attendance",
                                 json={"attendance_code": "5"})  # fmt: skip
    assert held.status_code == 200, held.text
    early = await scheduling.post(f"{path}/sessions/{future['session_id']}/attendance",
                                  json={"attendance_code": "5"})  # fmt: skip
    assert early.status_code == 409 and "starts at" in early.text, early.text
