"""Finding a client without decrypting every case: a blind index.

Each case and enquiry has a row of keyed digests (HMAC-SHA-256 under a key derived from
intake's digest key) of its NHS number, date of birth and each normalised token of the name,
beside its site and status. A search digests what staff typed the same way and matches
digests in the database (indexed: a btree for the NHS number, GIN for the name tokens); only
the few rows found are decrypted, to show who they are. The rows are written by the event
store's projection in each save's transaction, so search is never behind a referral.
"""

import hashlib
import hmac
import re
import unicodedata
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from services.intake.data_requests import DataSubjectRequest
from services.intake.domain import Case
from services.intake.enquiry import Enquiry
from shared.db import acquire
from shared.schema import create_idempotently, newer_version_replaces

SCHEMA = """
CREATE TABLE IF NOT EXISTS intake_search_index (
    aggregate_id uuid PRIMARY KEY,
    case_id uuid NOT NULL,
    kind text NOT NULL,
    version bigint NOT NULL,
    site_id text NOT NULL,
    status text NOT NULL,
    received_on date NOT NULL,
    nhs_number bytea,
    date_of_birth bytea,
    name_tokens bytea[] NOT NULL
);
CREATE INDEX IF NOT EXISTS intake_search_nhs ON intake_search_index (nhs_number);
CREATE INDEX IF NOT EXISTS intake_search_name ON intake_search_index USING gin (name_tokens);
CREATE INDEX IF NOT EXISTS intake_search_open ON intake_search_index (site_id, kind, status);
"""
COLUMNS = (
    "aggregate_id, case_id, kind, version, site_id, status, received_on, nhs_number,"
    " date_of_birth, name_tokens"
)
UPSERT = f"""
INSERT INTO intake_search_index AS i ({COLUMNS})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
{newer_version_replaces("aggregate_id", COLUMNS, "i")}
"""


def name_tokens(name: str) -> list[str]:
    """'Zoë  O'Brien-Smith' -> ['zoe', 'o', 'brien', 'smith']: accents dropped, case folded,
    split on anything that is not a letter or digit."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return [t for t in re.split(r"[\W_]+", plain.casefold()) if t]


@dataclass(frozen=True)
class BlindIndex:
    key: bytes

    def digest(self, field: str, value: str) -> bytes:
        return hmac.new(self.key, f"{field}:{value}".encode(), hashlib.sha256).digest()

    def nhs_number(self, value: str | None) -> bytes | None:
        return self.digest("nhs", value.replace(" ", "")) if value else None

    def date_of_birth(self, value: date | str | None) -> bytes | None:
        return self.digest("dob", str(value)) if value else None

    def names(self, name: str | None) -> list[bytes]:
        return sorted({self.digest("name", t) for t in name_tokens(name or "")})

    def row(self, aggregate: Any) -> tuple[Any, ...] | None:
        """A case's or an enquiry's row; a data request's too (nothing personal: it makes the
        request one of its case's aggregates, for the case's timeline)."""
        if isinstance(aggregate, DataSubjectRequest):
            status = "decided" if aggregate.decision else "received"
            return (aggregate.id, aggregate.case_id, "data_request", aggregate.version,
                    aggregate.site_id, status, aggregate.received_on, None, None, [])  # fmt: skip
        if isinstance(aggregate, Case):
            person, kind, on = aggregate.client, "case", aggregate.referral_date
        elif isinstance(aggregate, Enquiry):
            person, kind, on = aggregate.contact, "enquiry", aggregate.received_on
        else:
            return None
        return (
            aggregate.id, aggregate.case_id if kind == "enquiry" else aggregate.id, kind,
            aggregate.version, aggregate.site_id, aggregate.status, on,
            self.nhs_number(person.get("nhs_number")),
            self.date_of_birth(person.get("date_of_birth")), self.names(person.get("name")),
        )  # fmt: skip


class SearchIndex:
    """The projection and the queries; the key is set once the settings are read."""

    def __init__(self) -> None:
        self.blind: BlindIndex | None = None

    async def ensure_schema(self, conn: asyncpg.Connection) -> None:
        await create_idempotently(conn, SCHEMA)

    async def project(self, conn: asyncpg.Connection, aggregates: Sequence[Any]) -> None:
        assert self.blind is not None, "the search index has no key yet"
        rows = [r for r in map(self.blind.row, aggregates) if r is not None]
        latest = {r[0]: r for r in sorted(rows, key=lambda r: r[3])}  # newest per aggregate
        if latest:
            await conn.executemany(UPSERT, list(latest.values()))

    async def find(
        self,
        pool: asyncpg.Pool,
        site_id: str,
        *,
        nhs_number: str | None = None,
        name: str | None = None,
        date_of_birth: date | None = None,
        limit: int = 50,
    ) -> list[asyncpg.Record]:
        """Cases and enquiries of the site matching every criterion given (every token of
        the name, in any order), newest first."""
        assert self.blind is not None
        # Only the criteria given, so each shape of query gets a plan that uses its index.
        given = {
            "nhs_number = ": self.blind.nhs_number(nhs_number),
            "date_of_birth = ": self.blind.date_of_birth(date_of_birth),
            "name_tokens @> ": self.blind.names(name) if name else None,
        }
        values = [v for v in given.values() if v is not None]
        if not values:
            return []
        where = [f"{test}${n}" for n, test in enumerate((t for t, v in given.items() if v), 3)]
        return await pool.fetch(
            f"SELECT {COLUMNS} FROM intake_search_index WHERE site_id = $1 AND "
            + " AND ".join(where)
            + " ORDER BY received_on DESC, aggregate_id LIMIT $2",
            site_id,
            limit,
            *values,
        )

    async def members_of(self, pool: asyncpg.Pool, case_id: Any) -> list[Any]:
        """The ids of a case's aggregates: the case, its enquiry, its data requests."""
        rows = await pool.fetch(
            "SELECT aggregate_id FROM intake_search_index WHERE case_id = $1", case_id
        )
        return [r["aggregate_id"] for r in rows]

    async def open_enquiries(self, pool: asyncpg.Pool, site_id: str) -> list[asyncpg.Record]:
        return await pool.fetch(
            f"SELECT {COLUMNS} FROM intake_search_index"
            " WHERE site_id = $1 AND kind = 'enquiry' AND status = 'open'"
            " ORDER BY received_on, aggregate_id",
            site_id,
        )

    @asynccontextmanager
    async def one_at_a_time(self, pool: asyncpg.Pool, nhs_number: str) -> AsyncIterator[None]:
        """A PostgreSQL advisory lock on the NHS number's digest, held by one connection for
        the block (released if the process dies: its connection closes)."""
        assert self.blind is not None
        digest = self.blind.nhs_number(nhs_number) or b""
        key = int.from_bytes(digest[:8], "big", signed=True)
        async with acquire(pool) as conn:  # interrupted, the connection and lock are dropped
            await conn.execute("SELECT pg_advisory_lock($1)", key)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", key)

    async def open_cases_of(self, pool: asyncpg.Pool, nhs_number: str) -> list[Any]:
        """Ids of the open (not discharged) cases of an NHS number, at any site."""
        assert self.blind is not None
        rows = await pool.fetch(
            "SELECT case_id FROM intake_search_index WHERE nhs_number = $1"
            " AND kind = 'case' AND status <> 'discharged' ORDER BY received_on",
            self.blind.nhs_number(nhs_number),
        )
        return [r["case_id"] for r in rows]
