"""Proofs and roots over the stored complete subtrees: each answer reads its nodes in one query."""

from collections.abc import Callable, Iterable
from typing import TypeAlias, TypeVar

import asyncpg

from services.audit.errors import LedgerCorrupted
from services.audit.merkle import (
    GetNode,
    consistency_proof,
    inclusion_proof,
    nodes_along,
    nodes_needed,
    perfect_subtrees,
    proofs_along,
    root_hash,
    sibling_ranges,
)

Db: TypeAlias = asyncpg.Pool | asyncpg.Connection
T = TypeVar("T")


async def fetch_nodes(db: Db, positions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    positions = list(positions)
    if not positions:
        return {}
    rows = await db.fetch(
        "SELECT n.level, n.index, n.hash"
        " FROM unnest($1::smallint[], $2::bigint[]) AS p(level, index)"
        " JOIN ledger_nodes n USING (level, index)",
        [level for level, _ in positions],
        [index for _, index in positions],
    )
    return {(r["level"], r["index"]): r["hash"] for r in rows}


async def node_reader(db: Db, positions: Iterable[tuple[int, int]]) -> GetNode:
    """A get_node over the given positions, fetched at once; a missing node is corruption."""
    found = await fetch_nodes(db, positions)

    def get_node(level: int, index: int) -> bytes:
        try:
            return found[level, index]
        except KeyError:
            raise LedgerCorrupted(f"ledger node ({level}, {index}) is missing") from None

    return get_node


async def computed(db: Db, compute: Callable[[GetNode], T]) -> T:
    """Run a tree computation after fetching, in one query, every node it reads."""
    return compute(await node_reader(db, nodes_needed(compute)))


async def root_at(db: Db, tree_size: int) -> bytes:
    return await computed(db, lambda get: root_hash(tree_size, get))


async def frontier_at(db: Db, tree_size: int) -> list[bytes]:
    get = await node_reader(db, perfect_subtrees(0, tree_size))
    return [get(level, index) for level, index in perfect_subtrees(0, tree_size)]


async def prove_inclusion(db: Db, leaf_index: int, tree_size: int) -> list[bytes]:
    return await computed(db, lambda get: inclusion_proof(leaf_index, tree_size, get))


async def prove_inclusions(
    db: Db, leaf_indexes: Iterable[int], tree_size: int
) -> dict[int, list[bytes]]:
    """Inclusion proofs of many leaves against one tree size, in one query."""
    paths = sibling_ranges(leaf_indexes, tree_size)
    return proofs_along(paths, await node_reader(db, nodes_along(paths)))


async def prove_consistency(db: Db, old_size: int, new_size: int) -> list[bytes]:
    return await computed(db, lambda get: consistency_proof(old_size, new_size, get))
