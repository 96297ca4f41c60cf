"""Reservations: every live session (and every assessment intake booked) as a row with its
therapist, room and time range, written by the event store's projection in the save's own
transaction. Two exclusion constraints make a double booking impossible in the database,
whatever the application thought it saw: a save that would overlap a therapist's or a
room's appointment fails whole, and the losing command answers 409 naming the clash.

The rows also serve the diaries (a therapist's week, a room's or a site's day, the .ics).
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from services.scheduling.domain import Course
from shared.schema import create_idempotently

THERAPIST_CLASH = "scheduling_therapist_double_booked"
ROOM_CLASH = "scheduling_room_double_booked"
SCHEMA = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE IF NOT EXISTS scheduling_reservations (
    reservation_id uuid PRIMARY KEY,
    kind text NOT NULL,
    case_id uuid,
    course_id uuid,
    session_number int,
    phase text,
    status text NOT NULL,
    attendance_code text,
    site_id text,
    therapist_id text NOT NULL,
    room_id text,
    mode text,
    local_start text NOT NULL,
    time_zone text NOT NULL,
    during tstzrange NOT NULL,
    CONSTRAINT {THERAPIST_CLASH} EXCLUDE USING gist (therapist_id WITH =, during WITH &&),
    CONSTRAINT {ROOM_CLASH} EXCLUDE USING gist (site_id WITH =, room_id WITH =, during WITH &&)
);
CREATE INDEX IF NOT EXISTS scheduling_reservations_course ON scheduling_reservations (course_id);
CREATE INDEX IF NOT EXISTS scheduling_reservations_site
    ON scheduling_reservations (site_id, lower(during));
"""
COLUMNS = (
    "reservation_id, kind, case_id, course_id, session_number, phase, status, attendance_code,"
    " site_id, therapist_id, room_id, mode, local_start, time_zone, during"
)
TYPES = (
    "uuid",
    "text",
    "uuid",
    "uuid",
    "int",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "tstzrange",
)
INSERT = f"""
INSERT INTO scheduling_reservations ({COLUMNS})
SELECT r, k, ca, co, n, p, st, ac, si, th, ro, mo, ls, tz, tstzrange(s, e)
FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::text[],
            $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
            $14::text[], $15::timestamptz[], $16::timestamptz[])
    AS u(r, k, ca, co, n, p, st, ac, si, th, ro, mo, ls, tz, s, e)
"""


async def ensure_schema(conn: asyncpg.Connection) -> None:
    await create_idempotently(conn, SCHEMA)


def rows_of(course: Course) -> list[tuple[Any, ...]]:
    """A row per session that occupies its time: booked or held, not waiting for a rebooking."""
    return [
        (
            s.session_id,
            "session",
            course.case_id,
            course.id,
            s.number,
            s.phase,
            s.status,
            s.code,
            course.site_id,
            s.therapist_id,
            s.room_id,
            s.mode,
            s.local_start,
            s.zone,
            s.starts_at,
            s.ends_at,
        )
        for s in course.live_sessions()
        if not s.to_rebook
    ]


async def project(conn: asyncpg.Connection, aggregates: Sequence[Any]) -> None:
    latest: dict[UUID, Course] = {}
    for a in aggregates:
        if isinstance(a, Course) and (a.id not in latest or latest[a.id].version < a.version):
            latest[a.id] = a
    if not latest:
        return
    await conn.execute(
        "DELETE FROM scheduling_reservations WHERE course_id = ANY($1::uuid[])", list(latest)
    )
    rows = [row for course in latest.values() for row in rows_of(course)]
    if rows:
        await conn.execute(INSERT, *[list(column) for column in zip(*rows, strict=True)])


async def reserve_assessment(conn: asyncpg.Connection, row: tuple[Any, ...]) -> bool:
    """An assessment intake booked; False when it clashes (intake's booking stands: the
    clash is for staff to resolve, and the row is not written)."""
    done = await conn.execute(INSERT + " ON CONFLICT DO NOTHING", *[[value] for value in row])
    return done.endswith(" 1")


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
