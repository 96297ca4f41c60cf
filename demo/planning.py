"""Courses planned in the therapist's free hours: the demo's one therapist may already be
booked (an earlier run, other work), so a refused slot (409, or 422 on a closure) is tried
again at the next candidate, as a therapist would look for another time with the client."""

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from demo.gateway import Refused

if TYPE_CHECKING:
    from demo.month import Month

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
MODES = ("video", "phone", "video", "phone")
WEEKS = 40  # each run holds a few weekly slots of the one therapist for about 17 weeks


def candidates(client: int) -> list[tuple[date, str]]:
    """Weekly slots from next week on, each client starting on another weekday and hour."""
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    found = []
    for week in range(WEEKS):
        for d in range(5):
            for hour in range(9, 17):
                day = monday + timedelta(weeks=week, days=(d + client) % 5)
                found.append((day, f"{(hour + 2 * client - 9) % 8 + 9:02d}:00"))
    return found


async def course_planned(month: "Month", case_id: str, client: int) -> None:
    g, path = month.gateway, f"/scheduling/cases/{case_id}/course"

    async def opened() -> Any:  # scheduling opens it on intake's allocation event
        answer = await g.http.get(path, headers=await g.headers("therapist"))
        return answer.status_code == 200

    from demo.month import until

    await until(opened, "the course opened by the allocation")
    for day, at in candidates(client):
        plan = {"first_date": day.isoformat(), "local_time": at, "mode": MODES[client]}
        try:
            course = await g.call("therapist", "POST", f"{path}/plan", plan)
        except Refused as refused:
            if " 409 " in str(refused) or " 422 " in str(refused):
                continue
            raise
        month.courses[case_id] = course
        weekday = WEEKDAYS[day.weekday()]
        month.did.append(f"course planned: 16 sessions, {weekday}s {at} by {MODES[client]}, "
                         f"from {day.isoformat()}")  # fmt: skip
        return
    raise Refused(f"no free weekly slot for case {case_id} in the next {WEEKS} weeks")


async def planned_break(month: "Month", case_id: str) -> None:
    from demo.month import live

    third = live(month.courses[case_id], 3)["local_start"][:10]
    end = (date.fromisoformat(third) + timedelta(days=6)).isoformat()
    away = {"starts_on": third, "ends_on": end, "kind": "client_holiday",
            "description": "Family holiday"}  # fmt: skip
    path = f"/scheduling/cases/{case_id}/course/breaks"
    course = await month.gateway.call("therapist", "POST", path, away)
    month.courses[case_id] = course
    month.did.append(f"a break: {course['sessions_moved']} sessions of one course moved on")


async def cancellation(month: "Month", case_id: str) -> None:
    """The client cancels session 2; rebooked at the next free time that week, or, when the
    therapist's week is full there, at a time the therapist picks."""
    from demo.month import live

    second = live(month.courses[case_id], 2)
    path = f"/scheduling/cases/{case_id}/course/sessions/{second['session_id']}/cancellation"
    day = date.fromisoformat(second["local_start"][:10])
    picks = [None] + [f"{day + timedelta(days=d)}T{h:02d}:00" for d in range(1, 4)
                      for h in range(9, 17)]  # fmt: skip
    for pick in picks:
        body = {"attendance_code": "2"} | ({"rebook_at": pick} if pick else {})
        try:
            course = await month.gateway.call("therapist", "POST", path, body)
        except Refused as refused:
            if " 409 " in str(refused) or " 422 " in str(refused):
                continue
            raise
        again = live(course, 2)
        month.did.append(f"session 2 cancelled by the client, rebooked {again['local_start']}")
        return
    raise Refused("no free time to rebook the cancelled session that week")
