"""Bad input to scheduling gets a 4xx naming the problem, and nothing is stored: the course's
version is what it was before."""

from datetime import timedelta
from uuid import uuid4

import pytest

from tests.e2e.scheduling_steps import (
    allocated_case,
    at,
    course_when,
    live,
    next_monday,
    site_with_room,
)


@pytest.fixture
async def course(intake, scheduling) -> dict:
    elsewhere = await site_with_room(scheduling)
    rooms = await scheduling.post(
        f"/sites/{elsewhere}/rooms", json={"room_id": "room-elsewhere", "name": "Elsewhere"}
    )
    assert rooms.status_code == 201
    site_id = await site_with_room(scheduling)
    case_id = await allocated_case(intake, site_id, f"t-{uuid4().hex[:8]}")
    return await course_when(scheduling, case_id)


def plan(**change) -> dict:
    return {
        "first_date": next_monday().isoformat(),
        "local_time": "10:00",
        "mode": "room",
        "room_id": "room-1",
        **change,
    }


async def refused(
    scheduling,
    course,
    path: str,
    body: dict,
    status: int,
    field: str | None,
    headers: dict | None = None,
) -> None:
    case_path = f"/cases/{course['case_id']}/course"
    response = await scheduling.post(f"{case_path}{path}", json=body, headers=headers or {})
    assert response.status_code == status, response.text
    if field:
        assert field in [e["field"] for e in response.json()["detail"]], response.text
    after = (await scheduling.get(case_path)).json()
    assert after["version"] == course["version"], "a refused command stored something"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"local_time": "18:00"}, "body.local_time"),  # outside opening hours
        ({"local_time": "7:00"}, "body.local_time"),
        ({"first_date": "2026-12-25"}, "body.first_date"),  # Christmas Day, a bank holiday
        ({"sessions": 0}, "body.sessions"),
        ({"sessions": 100}, "body.sessions"),
        ({"room_id": "room-elsewhere"}, "body.room_id"),  # a room of another site
        ({"mode": "video"}, "body.room_id"),
        ({"weekday": "sunday"}, "body.weekday"),
        ({"mode": "carrier-pigeon"}, "body.mode"),
    ],
)
async def test_a_plan_the_rules_refuse_is_a_422_naming_the_field(scheduling, course, change, field):
    await refused(scheduling, course, "/plan", plan(**change), 422, field)


async def test_a_plan_for_an_unknown_case_is_a_404(scheduling):
    response = await scheduling.post(f"/cases/{uuid4()}/course/plan", json=plan())
    assert response.status_code == 404 and "not allocated" in response.json()["detail"]


async def test_a_plan_for_a_discharged_case_is_a_409(intake, scheduling, course):
    case_id = course["case_id"]
    discharged = await intake.post(
        f"/cases/{case_id}/discharge",
        json={"ending_code": "14", "discharged_on": next_monday(-1).isoformat()},
    )
    assert discharged.status_code == 200, discharged.text
    closed = await course_when(scheduling, case_id, lambda c: c["status"] == "closed")
    await refused(scheduling, closed, "/plan", plan(), 409, None)


async def test_bad_breaks_attendance_and_rebookings_are_refused(scheduling, course):
    path = f"/cases/{course['case_id']}/course"
    planned = (await scheduling.post(f"{path}/plan", json=plan())).json()
    first = live(planned, 1)
    sessions = f"/sessions/{first['session_id']}"
    day = first["local_start"][:10]
    await refused(
        scheduling,
        planned,
        "/breaks",
        {
            "starts_on": day,
            "kind": "client_holiday",
            "ends_on": (next_monday() - timedelta(days=1)).isoformat(),
        },
        422,
        "body.ends_on",
    )
    await refused(
        scheduling,
        planned,
        f"{sessions}/attendance",
        {"attendance_code": "9"},
        422,
        "body.attendance_code",
    )
    await refused(
        scheduling,
        planned,
        f"{sessions}/attendance",
        {"attendance_code": "5"},
        409,
        None,
        at(first["starts_at"], -10),
    )
    late = f"{day}T20:00"
    await refused(
        scheduling,
        planned,
        f"/sessions/{live(planned, 2)['session_id']}/rebooking",
        {"rebook_at": late},
        422,
        "body.rebook_at",
    )
    held = await scheduling.post(
        f"{path}{sessions}/attendance",
        json={"attendance_code": "5"},
        headers=at(first["starts_at"]),
    )
    assert held.status_code == 200
    await refused(
        scheduling,
        held.json(),
        f"{sessions}/attendance",
        {"attendance_code": "6"},
        409,
        None,
        at(first["starts_at"], 30),
    )
