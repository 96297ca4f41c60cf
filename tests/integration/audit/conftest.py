"""The audit tests' database: a fresh schema of the audit database per test."""

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.audit.schema import ensure_audit_schema
from shared.schema import ensure_schema
from tests.conftest import database_url


@pytest.fixture
async def audit_pool() -> AsyncIterator[asyncpg.Pool]:
    schema = f"test_{uuid.uuid4().hex[:12]}"
    url = database_url("audit")
    admin = await asyncpg.connect(url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    pool = await asyncpg.create_pool(
        url, min_size=1, max_size=10, server_settings={"search_path": schema}
    )
    async with pool.acquire() as conn:
        await ensure_schema(conn)
        await ensure_audit_schema(conn)
    try:
        yield pool
    finally:
        await pool.close()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()
