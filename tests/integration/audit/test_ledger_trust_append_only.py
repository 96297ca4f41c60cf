"""The database refuses rewriting history: under the services' own roles, UPDATE, DELETE and
TRUNCATE of the ledger's tables and of an event store's events are refused by a trigger,
even though the role owns the tables, unless the documented maintenance switch is set."""

import asyncpg
import pytest

from tests.integration.audit.helpers import append, as_maintenance, new_checkpointer
from tests.support.ledger_data import some_events

REWRITES = {
    "update": "UPDATE {table} SET {column} = {column}",
    "delete": "DELETE FROM {table}",
    "truncate": "TRUNCATE {table}",
}
LEDGER = {"ledger_entries": "envelope", "ledger_nodes": "hash", "ledger_checkpoints": "root_hash"}


@pytest.fixture
async def signed_ledger(audit_pool):
    await append(audit_pool, some_events(5))
    await new_checkpointer(audit_pool).issue()
    return audit_pool


async def counts(pool, tables) -> dict[str, int]:
    return {t: await pool.fetchval(f"SELECT count(*) FROM {t}") for t in tables}


@pytest.mark.parametrize("rewrite", REWRITES)
@pytest.mark.parametrize("table", LEDGER)
async def test_the_audit_role_cannot_rewrite_the_ledger(signed_ledger, table, rewrite):
    before = await counts(signed_ledger, LEDGER)
    sql = REWRITES[rewrite].format(table=table, column=LEDGER[table])

    with pytest.raises(asyncpg.InsufficientPrivilegeError, match=f"on {table} refused"):
        await signed_ledger.execute(sql)

    assert await counts(signed_ledger, LEDGER) == before


async def test_the_maintenance_switch_lets_a_person_rewrite_and_only_in_that_transaction(
    signed_ledger,
):
    await as_maintenance(signed_ledger, "DELETE FROM ledger_checkpoints")

    assert await signed_ledger.fetchval("SELECT count(*) FROM ledger_checkpoints") == 0
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await signed_ledger.execute("DELETE FROM ledger_nodes")


@pytest.fixture
async def stored_event(isolated_pool):
    await isolated_pool.execute(
        "INSERT INTO stored_events (originator_id, originator_version, topic, state)"
        " VALUES (gen_random_uuid(), 1, 'x', '\\x00')"
    )
    return isolated_pool


@pytest.mark.parametrize("rewrite", REWRITES)
async def test_a_service_role_cannot_rewrite_its_events(stored_event, rewrite):
    sql = REWRITES[rewrite].format(table="stored_events", column="state")

    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="on stored_events refused"):
        await stored_event.execute(sql)

    assert await stored_event.fetchval("SELECT count(*) FROM stored_events") == 1
