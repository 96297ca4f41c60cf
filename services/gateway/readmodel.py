"""The break-glass list a site manager sees: written in the same transaction as the access
event (access.py), so it is never behind the ledger."""

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.gateway.domain import CaseAccess

SCHEMA = """
CREATE TABLE IF NOT EXISTS gateway_break_glass (
    access_id uuid PRIMARY KEY,
    case_id uuid NOT NULL,
    site_id text,
    subject text NOT NULL,
    role text NOT NULL,
    view text NOT NULL,
    reason text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS gateway_break_glass_site ON gateway_break_glass (site_id, at);
"""
INSERT = """
INSERT INTO gateway_break_glass (access_id, case_id, site_id, subject, role, view, reason, at)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::timestamptz[])
ON CONFLICT (access_id) DO NOTHING
"""


async def ensure_schema(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def list_break_glass(conn: asyncpg.Connection, accesses: Sequence[CaseAccess]) -> None:
    rows = [(a.id, a.case_id, a.site_id, a.subject, a.role, a.view, a.reason, a.created_on)
            for a in accesses if a.break_glass]  # fmt: skip
    if rows:
        await conn.execute(INSERT, *[list(column) for column in zip(*rows, strict=True)])


async def break_glass_reads(pool: asyncpg.Pool, site_id: str, limit: int) -> list[dict[str, Any]]:
    records = await pool.fetch(
        "SELECT access_id, case_id, subject, role, view, reason, at FROM gateway_break_glass"
        " WHERE site_id = $1 ORDER BY at DESC LIMIT $2", site_id, limit,
    )  # fmt: skip
    return [dict(record) for record in records]
