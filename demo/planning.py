"""Courses planned in the therapist's free hours: the demo's one therapist may already be
booked (an earlier run, other work), so a refused slot (409, or 422 on a closure) is tried
again at the next candidate, as a therapist would look for another time with the client."""

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from demo.gateway import Refused
from services.scheduling.bank_holidays import bank_holidays

if TYPE_CHECKING:
    from demo.month import Month

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
MODES = ("video", "phone", "video", "phone")
WEEKS = 40  # how far ahead a course may start
SESSION = 50  # minutes


class Diary:
    """The demo therapist's diary, read a week at a time through the gateway (as the
    therapist's app shows it) and kept: a course is offered only a weekly time that is free
    for its whole span, so a diary that earlier runs filled costs reads, not refusals."""

    def __init__(self, month: "Month"):
        self.month = month
        self.weeks: dict[date, dict[date, list[int]]] = {}  # monday -> day -> starts (minutes)

    async def taken(self, monday: date) -> dict[date, list[int]]:
        if monday not in self.weeks:
            g = self.month.gateway
            path = f"/scheduling/therapists/{g.users['therapist']}/week"
            rows = await g.call("therapist", "GET", path, start=monday.isoformat())
            week: dict[date, list[int]] = {}
            for r in rows:
                if r["status"] != "cancelled":
                    at = r["local_start"]
                    day = week.setdefault(date.fromisoformat(at[:10]), [])
                    day.append(int(at[11:13]) * 60 + int(at[14:16]))
            self.weeks[monday] = week
        return self.weeks[monday]

    async def free_weekly(self, day: date, minute: int, sessions: int = 16) -> bool:
        """Whether all the sessions of a course at this weekly time fall on free times, laid
        out as scheduling does: a session due on a bank holiday moves to the next open day
        of its week (layout.py)."""
        closed = bank_holidays(range(day.year, day.year + 2))
        placed, due = 0, day
        while placed < sessions:
            friday = due + timedelta(days=4 - due.weekday())
            held = next((d for d in _days(due, friday) if d not in closed), None)
            if held is not None:
                taken = (await self.taken(held - timedelta(days=held.weekday()))).get(held, [])
                if any(abs(start - minute) < SESSION for start in taken):
                    return False
                placed += 1
            due += timedelta(weeks=1)
        return True


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def candidates(client: int, monday: date, weeks: int) -> list[tuple[date, int]]:
    """Weekly times (minutes after midnight) from `monday` on, on the quarter hour, each
    client starting on another weekday and hour."""
    found = []
    for week in range(weeks):
        for d in range(5):
            for quarter in range(29):  # 09:00 to 16:00
                day = monday + timedelta(weeks=week, days=(d + client) % 5)
                found.append((day, 9 * 60 + (quarter + 8 * client) % 29 * 15))
    return found


async def first_free(
    month: "Month",
    client: int,
    monday: date,
    weeks: int,
    path: str,
    plan: dict[str, Any],
    role: str = "therapist",
) -> tuple[date, str, Any]:
    """The course planned at the first weekly time the diary shows free; a time taken since
    (409) or closed (422) is passed over, as a therapist would look for another."""
    diary, last = month.diary, "none was free"
    for day, minute in candidates(client, monday, weeks):
        if not await diary.free_weekly(day, minute):
            continue
        at = f"{minute // 60:02d}:{minute % 60:02d}"
        try:
            course = await month.gateway.call(role, "POST", path,
                                              {**plan, "first_date": day.isoformat(),
                                               "local_time": at})  # fmt: skip
        except Refused as refused:
            if " 409 " in str(refused) or " 422 " in str(refused):
                last = str(refused)
                continue
            raise
        diary.weeks.clear()  # the course holds its times now
        return day, at, course
    who = month.gateway.users["therapist"]
    raise Refused(f"no free weekly time in {who}'s diary for {path} (last: {last})")


async def course_planned(month: "Month", case_id: str, client: int) -> None:
    g, path = month.gateway, f"/scheduling/cases/{case_id}/course"

    async def opened() -> Any:  # scheduling opens it on intake's allocation event
        answer = await g.http.get(path, headers=await g.headers("therapist"))
        return answer.status_code == 200

    from demo.month import until

    await until(opened, "the course opened by the allocation")
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    day, at, course = await first_free(
        month, client, monday, WEEKS, f"{path}/plan", {"mode": MODES[client]}
    )
    month.courses[case_id] = course
    weekday = WEEKDAYS[day.weekday()]
    month.did.append(f"course planned: 16 sessions, {weekday}s {at} by {MODES[client]}, "
                     f"from {day.isoformat()}")  # fmt: skip


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
