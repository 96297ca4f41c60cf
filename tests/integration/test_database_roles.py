"""One password per service database role (issue 8): each service's DSN names its own role
with its own password; one service's role cannot log in with another's password, nor
connect to another service's database with its own. And under each service's own role,
its events table refuses UPDATE, DELETE and TRUNCATE (shared/schema.py)."""

import itertools
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from shared import registry
from tests.conftest import database_url, fresh_schema_pool

DATABASES = [entry.name for entry in registry.SERVICES]
PAIRS = list(itertools.permutations(DATABASES, 2))


def with_login(url: str, role: str, password: str, database: str) -> str:
    """`url` with another role, password and database (host and options kept)."""
    parts = urlsplit(url)
    where = f"{role}:{password}@{parts.hostname}:{parts.port or 5432}"
    return urlunsplit((parts.scheme, where, f"/{database}", parts.query, ""))


def login(service: str) -> tuple[str, str]:
    parts = urlsplit(database_url(service))
    return parts.username or "", parts.password or ""


def test_each_service_connects_as_its_own_role_with_a_password_of_its_own():
    logins = {service: login(service) for service in DATABASES}

    assert {service: role for service, (role, _) in logins.items()} == {s: s for s in DATABASES}
    assert len({password for _, password in logins.values()}) == len(DATABASES)


@pytest.mark.parametrize("role, other", PAIRS)
async def test_a_role_cannot_log_in_with_another_service_s_password(role, other):
    url = with_login(database_url(role), role, login(other)[1], role)

    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(url)


@pytest.mark.parametrize("role, other", PAIRS)
async def test_a_role_cannot_open_another_service_s_database(role, other):
    url = with_login(database_url(role), role, login(role)[1], other)

    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
        await asyncpg.connect(url)


REWRITES = ["UPDATE stored_events SET state = state", "DELETE FROM stored_events",
            "TRUNCATE stored_events"]  # fmt: skip


@pytest.mark.parametrize("service", [e.name for e in registry.running()])
async def test_under_each_service_s_role_its_events_cannot_be_rewritten(service):
    async with fresh_schema_pool(service) as pool:
        assert await pool.fetchval("SELECT current_user") == service
        await pool.execute(
            "INSERT INTO stored_events (originator_id, originator_version, topic, state)"
            " VALUES ($1, 1, 'x', '\\x00')",
            uuid.uuid4(),
        )
        for sql in REWRITES:
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="stored_events refused"):
                await pool.execute(sql)
        assert await pool.fetchval("SELECT count(*) FROM stored_events") == 1
