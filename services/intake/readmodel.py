"""The case index: one row per case (ids, codes and dates only; personal details stay in the
encrypted events), for the staff queries that span cases: a site's waiting list, its counts
against the waiting standards, and a therapist's caseload.

`project` is the event store's projection: the rows of the cases a save changed are written
in the same transaction as their events (one statement per group commit), so staff read
their own writes and the index is never behind. A row only ever replaces an older version of
its case. `catch_up`, run at start-up, indexes cases saved before the index existed.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import asyncpg
from eventsourcing.utils import get_topic

from services.intake.codes import EIGHTEEN_WEEKS_DAYS, SIX_WEEKS_DAYS
from services.intake.domain import Case
from shared.eventstore import EventStore
from shared.schema import create_idempotently, newer_version_replaces

SCHEMA = """
CREATE TABLE IF NOT EXISTS intake_case_index (
    case_id uuid PRIMARY KEY,
    version bigint NOT NULL,
    site_id text NOT NULL,
    status text NOT NULL,
    episode_status text NOT NULL,
    referral_date date NOT NULL,
    therapist_id text,
    allocated_on date,
    first_treatment_on date,
    paused_days int NOT NULL,
    paused_since date
);
CREATE INDEX IF NOT EXISTS intake_case_index_waiting ON intake_case_index (site_id, referral_date)
    WHERE first_treatment_on IS NULL AND status <> 'discharged';
CREATE INDEX IF NOT EXISTS intake_case_index_caseload ON intake_case_index (therapist_id)
    WHERE status = 'active';
-- Courses scheduling completed, the case waiting for its ending. A table of its own: a new
-- column would break the upsert of an instance still running the previous release.
CREATE TABLE IF NOT EXISTS intake_course_completions (
    case_id uuid PRIMARY KEY,
    course_id uuid NOT NULL,
    completed_on date NOT NULL
);
-- The store's notification id up to which start-up's catch-up has looked.
CREATE TABLE IF NOT EXISTS intake_case_index_mark (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    notification_id bigint NOT NULL
);
"""
COLUMNS = (
    "case_id, version, site_id, status, episode_status, referral_date, therapist_id,"
    " allocated_on, first_treatment_on, paused_days, paused_since"
)
TYPES = ("uuid", "bigint", "text", "text", "text", "date", "text", "date", "date", "int", "date")
UPSERT = f"""
INSERT INTO intake_case_index AS i ({COLUMNS})
SELECT * FROM unnest({", ".join(f"${n}::{t}[]" for n, t in enumerate(TYPES, 1))})
{newer_version_replaces("case_id", COLUMNS, "i")}
"""
Row = tuple[Any, ...]


async def ensure_schema(conn: asyncpg.Connection) -> None:
    await create_idempotently(conn, SCHEMA)


def row_of(case: Case) -> Row:
    current = case.allocations[-1]["on"] if case.allocations else None  # to this therapist
    paused_since = case.open_pause.start if case.open_pause else None
    return (
        case.id,
        case.version,
        case.site_id,
        case.status,
        case.episode_status,
        case.referral_date,
        case.therapist_id,
        current,
        case.first_treatment_on,
        case.paused_days,
        paused_since,
    )


async def project(conn: asyncpg.Connection, aggregates: Sequence[Any]) -> None:
    cases = [a for a in aggregates if isinstance(a, Case)]
    await upsert(conn, [row_of(case) for case in cases])
    completed = {c.id: c.course_completed for c in cases if c.course_completed}
    if completed:
        await conn.execute(
            "INSERT INTO intake_course_completions (case_id, course_id, completed_on)"
            " SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::date[]) ON CONFLICT DO NOTHING",
            list(completed),
            [c["course_id"] for c in completed.values()],
            [c["completed_on"] for c in completed.values()],
        )


async def upsert(conn: asyncpg.Connection | asyncpg.Pool, rows: Iterable[Row]) -> None:
    latest: dict[Any, Row] = {}
    for row in rows:  # one row per case in a statement: the newest version
        if row[0] not in latest or latest[row[0]][1] < row[1]:
            latest[row[0]] = row
    if latest:
        await conn.execute(UPSERT, *[list(column) for column in zip(*latest.values(), strict=True)])


async def catch_up(store: EventStore) -> int:
    """Index every case whose row is missing or older than its events, among the cases with
    events since the last catch-up (every case while the index is empty); return how many.
    Reading every event at each start took 29 s at a million cases."""
    top = await store.max_notification_id()
    mark = await store.pool.fetchval(
        "SELECT notification_id FROM intake_case_index_mark"
        " WHERE EXISTS (SELECT 1 FROM intake_case_index)"
    )
    behind = await store.pool.fetch(
        "WITH recent AS (SELECT DISTINCT originator_id FROM stored_events"
        "                WHERE notification_id > $2)"
        " SELECT r.originator_id FROM recent r"
        " JOIN stored_events s ON s.originator_id = r.originator_id"
        " LEFT JOIN intake_case_index i ON i.case_id = r.originator_id"
        " WHERE EXISTS (SELECT 1 FROM stored_events c"
        "               WHERE c.originator_id = r.originator_id AND c.topic = $1)"
        " GROUP BY r.originator_id, i.version"
        " HAVING max(s.originator_version) > coalesce(i.version, 0)",
        get_topic(Case.ReferralReceived),
        mark or 0,
    )
    for record in behind:
        await upsert(store.pool, [row_of(await store.get(record["originator_id"]))])
    await store.pool.execute(
        "INSERT INTO intake_case_index_mark (notification_id) VALUES ($1) ON CONFLICT (only_row)"
        " DO UPDATE SET notification_id = greatest(intake_case_index_mark.notification_id, $1)",
        top,
    )
    return len(behind)


# A case on a site's waiting list: its clock runs.
WAITING = "site_id = $1 AND first_treatment_on IS NULL AND status <> 'discharged'"
# Its days waited on the day $2, as waiting.days_waited counts them: in SQL, so that the
# database filters, pages and counts a long list.
WAITED = (
    "greatest(0, ($2::date - referral_date) - paused_days"
    " - coalesce(greatest(0, $2::date - paused_since), 0))"
)


async def waiting(
    pool: asyncpg.Pool,
    site_id: str,
    today: date,
    *,
    waited_more_than: int | None,
    limit: int,
    offset: int,
) -> list[asyncpg.Record]:
    """The site's waiting cases, oldest referral first (those who have waited more than
    `waited_more_than` days, if given): `limit` of them after the first `offset`."""
    return await pool.fetch(
        f"SELECT {COLUMNS} FROM intake_case_index WHERE {WAITING}"
        f" AND ($3::int IS NULL OR {WAITED} > $3)"
        " ORDER BY referral_date, case_id LIMIT $4 OFFSET $5",
        site_id,
        today,
        waited_more_than,
        limit,
        offset,
    )


async def waiting_counts(pool: asyncpg.Pool, site_id: str, today: date) -> asyncpg.Record:
    """How many of the site wait, and how many of them within each standard."""
    return await pool.fetchrow(
        "SELECT count(*) AS waiting,"
        f" count(*) FILTER (WHERE {WAITED} <= $3) AS within_6_weeks,"
        f" count(*) FILTER (WHERE {WAITED} <= $4) AS within_18_weeks"
        f" FROM intake_case_index WHERE {WAITING}",
        site_id,
        today,
        SIX_WEEKS_DAYS,
        EIGHTEEN_WEEKS_DAYS,
    )


async def caseload(pool: asyncpg.Pool, therapist_id: str) -> list[asyncpg.Record]:
    """The therapist's active cases, with the day scheduling completed the course, if so."""
    columns = ", ".join(f"i.{c.strip()}" for c in COLUMNS.split(","))
    return await pool.fetch(
        f"SELECT {columns}, c.completed_on AS course_completed_on FROM intake_case_index i"
        " LEFT JOIN intake_course_completions c ON c.case_id = i.case_id"
        " WHERE i.therapist_id = $1 AND i.status = 'active' ORDER BY i.allocated_on, i.case_id",
        therapist_id,
    )
