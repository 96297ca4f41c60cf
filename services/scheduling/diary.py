"""Reads of the reservations (readmodel.py): what overlaps a course's sessions, the
appointments of a diary between two instants, the cases booked at a site on given days."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from services.scheduling.readmodel import COLUMNS


async def clashes(
    pool: asyncpg.Pool | asyncpg.Connection,
    therapist_id: str | None,
    site_room: tuple[str, str] | None,
    ranges: list[tuple[datetime, datetime]],
    besides: UUID | None = None,
) -> list[asyncpg.Record]:
    """Reservations of the therapist (or the room) overlapping any range, other than those
    of the course `besides`."""
    starts, ends = [r[0] for r in ranges], [r[1] for r in ranges]
    return await pool.fetch(
        f"SELECT {COLUMNS} FROM scheduling_reservations r"
        " WHERE (r.course_id IS DISTINCT FROM $1)"
        " AND (($2::text IS NOT NULL AND r.therapist_id = $2)"
        "   OR ($3::text IS NOT NULL AND r.site_id = $3 AND r.room_id = $4))"
        " AND EXISTS (SELECT 1 FROM unnest($5::timestamptz[], $6::timestamptz[]) AS q(s, e)"
        "             WHERE r.during && tstzrange(q.s, q.e))"
        " ORDER BY lower(r.during)",
        besides,
        therapist_id,
        site_room and site_room[0],
        site_room and site_room[1],
        starts,
        ends,
    )


async def between(
    pool: asyncpg.Pool, start: datetime, end: datetime, **where: str
) -> list[asyncpg.Record]:
    """Reservations overlapping [start, end) with the given column values, by start."""
    names = [name for name in where if name in ("therapist_id", "site_id", "room_id")]
    filters = "".join(f" AND {name} = ${n}" for n, name in enumerate(names, 3))
    return await pool.fetch(
        f"SELECT {COLUMNS}, lower(during) AS starts_at, upper(during) AS ends_at"
        f" FROM scheduling_reservations WHERE during && tstzrange($1, $2){filters}"
        " ORDER BY lower(during), reservation_id",
        start,
        end,
        *[where[name] for name in names],
    )


async def taken(
    pool: asyncpg.Pool,
    besides: UUID,
    therapist_id: str,
    site_rooms: tuple[str, set[str]],
    start: datetime,
    end: datetime,
) -> Callable[[datetime, datetime], bool]:
    """Whether the therapist's diary or one of the rooms' holds an appointment other than
    the course `besides`'s overlapping a time between `start` and `end` (a time outside
    them reads as free: the exclusion constraints still refuse a double booking there)."""
    rows = await between(pool, start, end, therapist_id=therapist_id)
    site_id, rooms = site_rooms
    for room_id in sorted(rooms):
        rows += await between(pool, start, end, site_id=site_id, room_id=room_id)
    held = sorted({(r["starts_at"], r["ends_at"]) for r in rows if r["course_id"] != besides})
    return lambda begin, finish: any(b < finish and begin < e for b, e in held)


async def cases_booked(
    pool: asyncpg.Pool, site_id: str, calendar: Any, first: date, last: date
) -> list[UUID]:
    """The cases with sessions at the site on the local days from `first` to `last`."""
    start = datetime.combine(first, time(0), tzinfo=ZoneInfo(calendar.zone))
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ZoneInfo(calendar.zone))
    rows = await pool.fetch(
        "SELECT DISTINCT case_id FROM scheduling_reservations WHERE site_id = $1"
        " AND kind = 'session' AND status = 'booked' AND during && tstzrange($2, $3)",
        site_id,
        start,
        end,
    )
    return [row["case_id"] for row in rows]
