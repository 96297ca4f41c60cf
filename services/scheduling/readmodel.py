"""Reservations: every live session (and every assessment intake booked) as a row with its
therapist, room and time range, written by the event store's projection in the save's own
transaction. Two exclusion constraints make a double booking impossible in the database,
whatever the application thought it saw: a save that would overlap a therapist's or a
room's appointment fails whole, and the losing command answers 409 naming the clash.

The rows also serve the diaries (a therapist's week, a room's or a site's day, the .ics).
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

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
