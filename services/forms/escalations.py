"""Who is on duty at each site, and the escalations a duty clinician must see: written by
the event store's projection with the events (readmodel.py calls it), so an escalation is
listed for its clinician the moment its response is stored.

A duty clinician sees the open escalations named to them and those of the sites they are
on duty at now (a hand-over passes the site's open escalations to the new clinician)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from services.forms.domain import RiskFlag
from services.forms.duty import DutyRota
from shared.schema import create_idempotently

SCHEMA = """
CREATE TABLE IF NOT EXISTS forms_duty (
    site_id text PRIMARY KEY, version bigint NOT NULL, staff_id text NOT NULL,
    since timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS forms_duty_staff ON forms_duty (staff_id);
-- The duty clinician each escalated flag went to (a table of its own: a column added to
-- forms_flag would break the upsert of an instance still running an earlier release).
CREATE TABLE IF NOT EXISTS forms_escalation (
    flag_id uuid PRIMARY KEY, site_id text NOT NULL, escalated_to text NOT NULL
);
CREATE INDEX IF NOT EXISTS forms_escalation_to ON forms_escalation (escalated_to);
"""
UPSERT_DUTY = (
    "INSERT INTO forms_duty AS d (site_id, version, staff_id, since) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (site_id) DO UPDATE SET version = EXCLUDED.version,"
    " staff_id = EXCLUDED.staff_id, since = EXCLUDED.since WHERE d.version < EXCLUDED.version"
)


async def ensure_schema(conn: asyncpg.Connection) -> None:
    await create_idempotently(conn, SCHEMA)


INSERT_ESCALATION = "INSERT INTO forms_escalation VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"


async def project(conn: asyncpg.Connection, aggregates: Sequence[Any]) -> None:
    named = [a for a in aggregates if isinstance(a, RiskFlag) and a.escalated_to]
    if named:
        await conn.executemany(
            INSERT_ESCALATION, [(f.id, f.site_id, f.escalated_to) for f in named]
        )
    rotas = [a for a in aggregates if isinstance(a, DutyRota) and a.on_duty is not None]
    if rotas:
        rows = [(r.site_id, r.version, r.on_duty, r.since) for r in rotas]
        await conn.executemany(UPSERT_DUTY, rows)


async def on_duty(pool: asyncpg.Pool | asyncpg.Connection, site_id: str) -> str | None:
    return await pool.fetchval("SELECT staff_id FROM forms_duty WHERE site_id = $1", site_id)


async def duty_of(pool: asyncpg.Pool, site_id: str) -> dict[str, Any] | None:
    row = await pool.fetchrow("SELECT site_id, staff_id, since FROM forms_duty WHERE site_id = $1",
                              site_id)  # fmt: skip
    return dict(row) if row else None


async def for_clinician(pool: asyncpg.Pool, staff_id: str, now: datetime) -> list[dict[str, Any]]:
    """Open escalations named to the clinician or of the sites they are on duty at, the
    oldest first, each with its age."""
    rows = await pool.fetch(
        "SELECT f.*, e.escalated_to FROM forms_flag f"
        " LEFT JOIN forms_escalation e ON e.flag_id = f.flag_id"
        " WHERE f.escalated AND f.acknowledged_at IS NULL"
        " AND (e.escalated_to = $1"
        "      OR f.site_id IN (SELECT site_id FROM forms_duty WHERE staff_id = $1))"
        " ORDER BY f.raised_at, f.flag_id",
        staff_id,
    )
    return [dict(r) | {"age_seconds": (now - r["raised_at"]).total_seconds()} for r in rows]
