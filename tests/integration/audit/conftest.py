"""The audit tests' database: a fresh schema of the audit database per test."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.audit.schema import ensure_audit_schema
from services.witness.witness import WITNESS_SCHEMA
from tests.conftest import fresh_schema_pool


@pytest.fixture
async def audit_pool() -> AsyncIterator[asyncpg.Pool]:
    """A fresh schema in the audit database, with the audit service's tables (and the
    in-process witness's)."""
    async with fresh_schema_pool("audit") as pool:
        async with pool.acquire() as conn:
            await ensure_audit_schema(conn)
            await conn.execute(WITNESS_SCHEMA)  # the test witness's (tests: helpers.py)
        yield pool
