"""The audit ledger's write side: every event of every topic once, in arrival order, as a leaf
of an RFC 9162 Merkle tree whose complete subtrees are stored beside it (ledger_nodes).

An append reads the tree's right edge (at most one node per level) from storage, adds the
batch's leaves in memory, and writes the entries with every subtree they complete: O(log n)
per leaf, a lock, a query and two COPYs per batch, all inside the caller's transaction.

A leaf is the message's value exactly as it arrived from Kafka, not a re-serialisation of
the parsed envelope: a field this code does not know yet is kept and hashed with the rest,
and an auditor checks the leaf against the bytes the producer sent.

An event id is a promise of the bytes: the same id with the same bytes again is a
redelivery and is skipped; the same id with other bytes means two events were given one id
(or an envelope was altered), and neither may silently lose. That batch is refused with an
alarm (an error log, a metric) and an error that is not the message's fault, so the
consumer stops and retries rather than skipping or dead-lettering; a person decides.
"""

from collections.abc import Sequence
from typing import NamedTuple
from uuid import UUID

import asyncpg
import structlog
from prometheus_client import Counter

from services.audit.errors import LedgerCorrupted
from services.audit.merkle import CompactRange, perfect_subtrees
from services.audit.proofs import node_reader
from services.audit.verifier import leaf_hash
from shared.consumer import Delivered
from shared.envelope import Envelope
from shared.faults import NotTheMessagesFault

log = structlog.get_logger()
EVENT_ID_CONFLICTS = Counter(
    "rapport_audit_ledger_event_id_conflicts",
    "Events refused because their id is in the ledger (or the batch) with other bytes",
)

# The size, which of the batch's events are in already (with their leaf hashes), and the
# frontier of the tree.
_HEAD = """
SELECT head.size,
    ARRAY(SELECT event_id FROM ledger_entries WHERE event_id = ANY($1::uuid[])
          ORDER BY event_id) AS seen,
    ARRAY(SELECT leaf_hash FROM ledger_entries WHERE event_id = ANY($1::uuid[])
          ORDER BY event_id) AS seen_hashes,
    ARRAY(SELECT n.hash FROM generate_series(62, 0, -1) AS l(level)
          JOIN ledger_nodes n ON n.level = l.level AND n.index = (head.size >> (l.level + 1)) << 1
          WHERE (head.size >> l.level) & 1 = 1 ORDER BY l.level DESC) AS frontier
FROM (SELECT coalesce(max(leaf_index) + 1, 0) AS size FROM ledger_entries) AS head
"""

_ENTRY_COLUMNS = ["leaf_index", "event_id", "type", "case_id", "topic", "kafka_partition",
                  "kafka_offset", "envelope", "leaf_hash"]  # fmt: skip
_NODE_COLUMNS = ["level", "index", "hash"]


class EventIdConflict(NotTheMessagesFault):
    """One event id, two different envelopes: the ledger must not choose one silently."""


class _Leaf(NamedTuple):
    """An entry but its leaf index: all of it computed before the lock is taken."""

    event_id: UUID
    type: str
    case_id: UUID | None
    topic: str
    partition: int
    offset: int
    envelope: bytes  # the message's value as it arrived
    leaf_hash: bytes


async def append(conn: asyncpg.Connection, items: list[Delivered]) -> int:
    """Append the events not in the ledger yet, in the order given; return how many.

    Runs inside the consumer's transaction; the table lock keeps leaf indexes gapless and in
    commit order when more than one consumer appends. It is held only for the database work:
    the events are serialised and hashed before."""
    leaves = _leaves(items)
    await conn.execute("LOCK TABLE ledger_entries IN EXCLUSIVE MODE")
    head = await conn.fetchrow(_HEAD, list(leaves))
    tree = await _tree_at(conn, head["size"], head["frontier"])
    envelopes = {item.event_id: item.envelope for item in items}
    for event_id, stored_hash in zip(head["seen"], head["seen_hashes"], strict=True):
        leaf = leaves.pop(event_id)
        if leaf.leaf_hash != stored_hash and not _recorded_before(envelopes[event_id], stored_hash):
            _alarm(leaf, "an entry of the ledger")
    rows, nodes = [], []
    for leaf in leaves.values():
        rows.append((tree.size, *leaf))
        nodes.extend(tree.append(leaf.leaf_hash))
    if rows:  # binary COPY: a third faster than INSERT ... SELECT FROM unnest(...) here
        await conn.copy_records_to_table("ledger_entries", records=rows, columns=_ENTRY_COLUMNS)
        await conn.copy_records_to_table("ledger_nodes", records=nodes, columns=_NODE_COLUMNS)
    return len(rows)


def _leaves(items: list[Delivered]) -> dict[UUID, _Leaf]:
    """Each event once (the first delivery wins), in the order given."""
    leaves: dict[UUID, _Leaf] = {}
    for item in items:
        e = item.envelope
        leaf = _Leaf(e.event_id, e.type, e.case_id, item.topic, item.partition, item.offset,
                     item.value, leaf_hash(item.value))  # fmt: skip
        first = leaves.setdefault(e.event_id, leaf)
        if first.leaf_hash != leaf.leaf_hash:
            _alarm(leaf, f"{first.topic}/{first.partition}/{first.offset}")
    return leaves


def _recorded_before(envelope: Envelope, stored_hash: bytes) -> bool:
    """An entry recorded before the ledger kept the bytes as they arrived holds the envelope's
    canonical JSON: the same event arriving again (a republish) is a repeat, not a conflict."""
    return leaf_hash(envelope.canonical_json()) == stored_hash


def _alarm(leaf: _Leaf, other: str) -> None:
    EVENT_ID_CONFLICTS.inc()
    where = f"{leaf.topic}/{leaf.partition}/{leaf.offset}"
    log.error("ledger.event_id_conflict", event_id=str(leaf.event_id), type=leaf.type,
              arrived_at=where, differs_from=other)  # fmt: skip
    raise EventIdConflict(
        f"event {leaf.event_id} at {where} has other bytes than {other}: not appended"
    )


async def catch_up_nodes(conn: asyncpg.Connection, chunk: int = 10_000) -> int:
    """Store the subtrees of entries that have none yet (a ledger from before ledger_nodes
    existed); return how many leaves were added to the tree. Call inside a transaction."""
    await conn.execute("LOCK TABLE ledger_entries IN EXCLUSIVE MODE")
    done = await conn.fetchval(
        "SELECT coalesce(max(index) + 1, 0) FROM ledger_nodes WHERE level = 0"
    )
    tree = CompactRange.from_store(done, await node_reader(conn, perfect_subtrees(0, done)))
    start = done
    while True:
        hashes = await conn.fetch(
            "SELECT leaf_index, leaf_hash FROM ledger_entries WHERE leaf_index >= $1"
            " ORDER BY leaf_index LIMIT $2",
            tree.size,
            chunk,
        )
        if not hashes:
            return tree.size - start
        if hashes[-1]["leaf_index"] != tree.size + len(hashes) - 1:
            raise LedgerCorrupted(f"ledger entries after leaf {tree.size} are not contiguous")
        nodes = [node for row in hashes for node in tree.append(row["leaf_hash"])]
        await conn.copy_records_to_table("ledger_nodes", records=nodes, columns=_NODE_COLUMNS)


async def _tree_at(conn: asyncpg.Connection, size: int, frontier: Sequence[bytes]) -> CompactRange:
    if len(frontier) == size.bit_count():
        return CompactRange(size, frontier)
    await catch_up_nodes(conn)  # entries without nodes: build them once, then carry on
    return CompactRange.from_store(size, await node_reader(conn, perfect_subtrees(0, size)))
