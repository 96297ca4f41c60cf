"""A read model's upsert on the real PostgreSQL, as two releases meet during an upgrade: a
column the newer release added does not break the saves of the older one."""

import asyncpg

from shared.schema import newer_version_replaces

COLUMNS = "case_id, version, status"
UPSERT = f"INSERT INTO cases AS c ({COLUMNS}) VALUES ($1, $2, $3) " + newer_version_replaces(
    "case_id", COLUMNS, "c"
)


async def test_a_newer_version_replaces_the_row_an_older_one_does_not(isolated_pool: asyncpg.Pool):
    await isolated_pool.execute(
        "CREATE TABLE cases (case_id int PRIMARY KEY, version int, status text)"
    )
    for version, status in ((1, "referred"), (3, "allocated"), (2, "assessed")):
        await isolated_pool.execute(UPSERT, 7, version, status)
    assert await isolated_pool.fetchrow("SELECT version, status FROM cases") == (3, "allocated")


async def test_a_column_a_newer_release_added_does_not_fail_the_older_release_s_saves(
    isolated_pool: asyncpg.Pool,
):
    await isolated_pool.execute(
        "CREATE TABLE cases (case_id int PRIMARY KEY, version int, status text)"
    )
    await isolated_pool.execute(UPSERT, 7, 1, "referred")
    await isolated_pool.execute("ALTER TABLE cases ADD COLUMN course_completed_on date")
    await isolated_pool.execute(UPSERT, 7, 2, "allocated")
    assert await isolated_pool.fetchrow("SELECT version, status FROM cases") == (2, "allocated")
