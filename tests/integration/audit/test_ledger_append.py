"""The ledger's appends against the real PostgreSQL: leaves, stored subtrees, redelivery."""

import asyncio

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.audit import ledger, proofs
from services.audit.merkle import MemoryNodeStore, root_hash
from shared.consumer import Delivered
from tests.integration.audit.helpers import as_maintenance
from tests.support.ledger_data import some_events


async def append_in_batches(pool: asyncpg.Pool, items: list[Delivered], sizes: list[int]) -> None:
    start = 0
    for size in [*sizes, len(items)]:
        async with pool.acquire() as conn, conn.transaction():
            await ledger.append(conn, items[start : start + size])
        start += size


async def stored_nodes(pool: asyncpg.Pool) -> dict[tuple[int, int], bytes]:
    rows = await pool.fetch("SELECT level, index, hash FROM ledger_nodes")
    return {(r["level"], r["index"]): r["hash"] for r in rows}


def expected_tree(items: list[Delivered]) -> MemoryNodeStore:
    return MemoryNodeStore.from_leaves(item.value for item in items)


async def test_batched_appends_store_exactly_the_complete_subtrees_of_the_tree(audit_pool):
    items = some_events(45)
    await append_in_batches(audit_pool, items, [1, 2, 13, 16])

    assert await stored_nodes(audit_pool) == expected_tree(items).nodes
    assert await proofs.root_at(audit_pool, 45) == root_hash(45, expected_tree(items).get_node)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sizes=st.lists(st.integers(min_value=1, max_value=9), max_size=5))
async def test_any_split_into_batches_gives_the_same_tree(audit_pool, sizes):
    await as_maintenance(audit_pool, "TRUNCATE ledger_entries, ledger_nodes")
    items = some_events(30)
    await append_in_batches(audit_pool, items, sizes)

    assert await stored_nodes(audit_pool) == expected_tree(items).nodes


async def test_redelivered_event_is_not_appended_twice(audit_pool):
    items = some_events(5)
    await append_in_batches(audit_pool, items, [])
    async with audit_pool.acquire() as conn, conn.transaction():
        again = await ledger.append(conn, [items[2], items[4], *some_events(1), items[0]])

    assert again == 1
    assert await audit_pool.fetchval("SELECT count(*) FROM ledger_entries") == 6
    assert len(await stored_nodes(audit_pool)) == 6 + 3 + 1  # leaves, pairs, one quad


async def test_an_event_recorded_as_canonical_json_before_is_a_repeat_when_it_arrives_again(
    audit_pool,
):
    # Entries from before the ledger kept the bytes as they arrived hold canonical JSON.
    (item,) = some_events(1)
    earlier = Delivered(item.envelope, item.topic, item.partition, item.offset,
                        item.envelope.canonical_json())  # fmt: skip
    await append_in_batches(audit_pool, [earlier], [])
    async with audit_pool.acquire() as conn, conn.transaction():
        again = await ledger.append(conn, [item])

    assert item.value != earlier.value
    assert again == 0
    assert await audit_pool.fetchval("SELECT count(*) FROM ledger_entries") == 1


async def test_an_event_delivered_twice_in_one_batch_becomes_one_leaf(audit_pool):
    items = some_events(3)
    async with audit_pool.acquire() as conn, conn.transaction():
        assert await ledger.append(conn, [items[0], items[1], items[0], items[2]]) == 3


async def test_concurrent_appenders_keep_leaf_indexes_gapless_and_the_tree_whole(audit_pool):
    batches = [some_events(7) for _ in range(6)]

    async def one(batch: list[Delivered]) -> None:
        async with audit_pool.acquire() as conn, conn.transaction():
            await ledger.append(conn, batch)

    await asyncio.gather(*(one(batch) for batch in batches))

    rows = await audit_pool.fetch("SELECT envelope FROM ledger_entries ORDER BY leaf_index")
    assert len(rows) == 42
    expected = MemoryNodeStore.from_leaves(bytes(r["envelope"]) for r in rows)
    assert await stored_nodes(audit_pool) == expected.nodes


async def test_ledger_without_stored_subtrees_has_them_rebuilt_then_appends_on(audit_pool):
    items = some_events(21)
    await append_in_batches(audit_pool, items[:11], [])
    # as if nodes had been stored for the first three leaves only, or (below) for none
    await as_maintenance(audit_pool, "DELETE FROM ledger_nodes WHERE (index + 1) << level > 3")

    await append_in_batches(audit_pool, items[11:], [4])

    assert await stored_nodes(audit_pool) == expected_tree(items).nodes


async def test_ledger_from_before_stored_subtrees_gets_them_all_at_start_up(audit_pool):
    items = some_events(13)
    await append_in_batches(audit_pool, items, [])
    await as_maintenance(audit_pool, "TRUNCATE ledger_nodes")

    async with audit_pool.acquire() as conn, conn.transaction():
        assert await ledger.catch_up_nodes(conn, chunk=5) == 13

    assert await stored_nodes(audit_pool) == expected_tree(items).nodes
