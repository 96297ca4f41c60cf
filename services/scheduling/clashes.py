"""Finding what a course's sessions would clash with in the therapists' and rooms' diaries.

Commands ask before saving, so a slot that is plainly taken is refused without a failed
transaction (which would also fail, and retry, the other saves of its group commit); the
exclusion constraints in readmodel.py stay the guarantee when two commands race past this
check. Either way the refusal names the therapist or room and what is booked there.
"""

from typing import Any

import asyncpg

from services.scheduling import diary
from services.scheduling.domain import Course


async def clash_of(pool: asyncpg.Pool | asyncpg.Connection, course: Course) -> str | None:
    """The first clash of the course's sessions with other bookings, in words, or None."""
    sessions = [s for s in course.live_sessions() if not s.to_rebook]
    therapists = {s.therapist_id for s in sessions}
    rooms = {s.room_id for s in sessions}
    if len(therapists) == 1 and len(rooms) == 1:  # the usual course: one query for both
        [therapist], [room] = therapists, rooms
        site_room = (course.site_id, room) if room else None
        ranges = [(s.starts_at, s.ends_at) for s in sessions]
        found = await diary.clashes(pool, therapist, site_room, ranges, course.id)
        first = next((r for r in found if r["therapist_id"] == therapist), None)
        if first is not None:
            return describe(first, room=False)
        return describe(found[0], room=True) if found else None
    for therapist in sorted({s.therapist_id for s in sessions}):
        ranges = [(s.starts_at, s.ends_at) for s in sessions if s.therapist_id == therapist]
        found = await diary.clashes(pool, therapist, None, ranges, course.id)
        if found:
            return describe(found[0], room=False)
    for room in sorted({s.room_id for s in sessions if s.room_id}):
        ranges = [(s.starts_at, s.ends_at) for s in sessions if s.room_id == room]
        found = await diary.clashes(pool, None, (course.site_id, room), ranges, course.id)
        if found:
            return describe(found[0], room=True)
    return None


def describe(row: Any, room: bool) -> str:
    who = (
        f"room {row['room_id']} of site {row['site_id']}"
        if room
        else (f"therapist {row['therapist_id']}")
    )
    what = (
        f"session {row['session_number']} of case {row['case_id']}"
        if row["kind"] == "session"
        else "an assessment"
    )
    return f"{who} is booked at {row['local_start']} ({row['time_zone']}) for {what}"
