"""The case index (its hashing is in verifier.py): each case's event count and the digest of
its event list, in a Merkle structure whose root every checkpoint's note commits to, so a
case's bundle proves it holds every event of the case.

The checkpointer advances it before signing, over the leaves since the last checkpoint: the
case of each event is read from the bytes the leaf hashes (its envelope), never from the
`case_id` column, which no hash covers. Each checkpoint stores only what it changed (the
cases, their buckets' nodes) under a version of its own (a sequence; the checkpoint row names
it), so a proof can be made as of any checkpoint; rows of a version no stored checkpoint names
(its checkpoint was deleted) are never read. Before building on what is stored, the
checkpointer checks that it still hashes to the root the last checkpoint signed.
"""

import json
from collections.abc import Iterable
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from services.audit.errors import LedgerCorrupted
from services.audit.verifier import (
    CASE_INDEX_LEVELS,
    EMPTY_CASE_DIGEST,
    EMPTY_SUBTREES,
    bucket_hash,
    case_bucket,
    case_record,
    leaf_hash,
    next_case_digest,
    node_hash,
)

Db: TypeAlias = asyncpg.Pool | asyncpg.Connection
Position: TypeAlias = tuple[int, int]  # (level, index); level 0 is the buckets
State: TypeAlias = tuple[int, bytes]  # a case's event count and digest
EMPTY_ROOT = EMPTY_SUBTREES[CASE_INDEX_LEVELS]
_CHUNK = 10_000
_ENTRIES_WITH_LEAVES = (
    "SELECT e.leaf_index, e.envelope, n.hash AS leaf FROM ledger_entries e"
    " LEFT JOIN ledger_nodes n ON n.level = 0 AND n.index = e.leaf_index"
    " WHERE e.leaf_index >= $1 AND e.leaf_index < $2 ORDER BY e.leaf_index"
)

CASE_INDEX_SCHEMA = """
-- Each case's events in ledger order, as their envelopes name the case (case_index.py).
CREATE TABLE IF NOT EXISTS ledger_case_events (
    case_id uuid NOT NULL,
    leaf_index bigint NOT NULL,
    event_id uuid NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (case_id, leaf_index, version)
);
-- A case's event count and digest, as of the version (checkpoint) that changed them.
CREATE TABLE IF NOT EXISTS ledger_case_states (
    case_id uuid NOT NULL,
    version bigint NOT NULL,
    bucket int NOT NULL,
    event_count bigint NOT NULL,
    digest bytea NOT NULL,
    PRIMARY KEY (case_id, version)
);
-- A bucket's cases, newest version first, read without the table (a checkpoint reads thousands).
CREATE INDEX IF NOT EXISTS ledger_case_states_latest
    ON ledger_case_states (bucket, case_id, version DESC) INCLUDE (event_count, digest);
DROP INDEX IF EXISTS ledger_case_states_bucket;
-- The index's nodes, as of the version that changed them (level 0: a bucket's hash).
CREATE TABLE IF NOT EXISTS ledger_case_nodes (
    level smallint NOT NULL,
    index int NOT NULL,
    version bigint NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (level, index, version)
);
CREATE SEQUENCE IF NOT EXISTS ledger_case_index_versions;
ALTER TABLE ledger_checkpoints ADD COLUMN IF NOT EXISTS case_index_root bytea;
ALTER TABLE ledger_checkpoints ADD COLUMN IF NOT EXISTS case_index_version bigint;
CREATE INDEX IF NOT EXISTS ledger_checkpoints_case_index_version
    ON ledger_checkpoints (case_index_version);
"""
TABLES = ("ledger_case_events", "ledger_case_states", "ledger_case_nodes")


# A row counts as of a checkpoint when a stored checkpoint up to it made its version.
# Asked row by row, newest first, it stops at the first live one: the reads below take one
# node and a bucket's few cases per position, not every version ever stored (a checkpoint
# with 3,000 new cases took a second of PostgreSQL time on a ledger of a million entries).
def _live(version: str, checkpoint: str) -> str:
    return (f"EXISTS (SELECT 1 FROM ledger_checkpoints c"
            f" WHERE c.case_index_version = {version} AND c.id <= {checkpoint})")  # fmt: skip


async def advance(conn: asyncpg.Connection, start: int, size: int, since_id: int,
                  since_root: bytes) -> tuple[bytes, int | None]:  # fmt: skip
    """The root once the leaves [start, size) are added to the index as checkpoint
    `since_id` (root `since_root`) left it, and the version what changed is stored under
    (None: no case changed)."""
    added = await _events_by_case(conn, start, size)
    if not added:
        return since_root, None
    bucket_of = {case: case_bucket(str(case)) for case in added}
    old = await _bucket_states(conn, set(bucket_of.values()), since_id)
    new = {bucket: dict(states) for bucket, states in old.items()}
    for case, events in added.items():
        count, digest = new[bucket_of[case]].get(case, (0, EMPTY_CASE_DIGEST))
        for leaf_index, event_id in events:
            count, digest = count + 1, next_case_digest(digest, leaf_index, event_id.bytes)
        new[bucket_of[case]][case] = (count, digest)
    siblings = await _nodes(conn, _siblings_of(new), since_id)
    old_root, _ = _fold({b: _bucket_digest(s) for b, s in old.items()}, siblings)
    if old_root != since_root:
        raise LedgerCorrupted(f"the stored case index no longer hashes to the root checkpoint"
                              f" #{since_id} signed")  # fmt: skip
    root, nodes = _fold({b: _bucket_digest(s) for b, s in new.items()}, siblings)
    version = await conn.fetchval("SELECT nextval('ledger_case_index_versions')")
    await _store(conn, version, added, bucket_of, new, nodes)
    return root, version


async def proof(db: Db, case_id: UUID, checkpoint_id: int, tree_size: int) -> dict[str, Any]:
    """What the verifier needs to prove the case's events complete at the checkpoint."""
    bucket = case_bucket(str(case_id))
    states = await _bucket_states(db, {bucket}, checkpoint_id)
    positions = [(level, (bucket >> level) ^ 1) for level in range(CASE_INDEX_LEVELS)]
    found = await _nodes(db, positions, checkpoint_id)
    events = await db.fetch(  # a leaf once, as the newest version has it (an index rebuilt
        # from the first leaf, by a ledger upgraded beside an older one, lists it again)
        "SELECT DISTINCT ON (leaf_index) leaf_index, event_id FROM ledger_case_events"
        f" WHERE case_id = $1 AND leaf_index < $2 AND {_live('version', '$3')}"
        " ORDER BY leaf_index, version DESC",
        case_id, tree_size, checkpoint_id,
    )  # fmt: skip
    return {
        "case_id": str(case_id),
        "bucket": bucket,
        "records": [[str(c), n, d.hex()] for c, (n, d) in sorted(states[bucket].items())],
        "siblings": [found[p].hex() for p in positions],
        "events": [[r["leaf_index"], str(r["event_id"])] for r in events],
    }


async def _events_by_case(conn: asyncpg.Connection, start: int,
                          size: int) -> dict[UUID, list[tuple[int, UUID]]]:  # fmt: skip
    """Each case's new events, read from the entries' bytes once they are shown to be the
    leaves the tree holds (the columns beside them are covered by no hash)."""
    added: dict[UUID, list[tuple[int, UUID]]] = {}
    for first in range(start, size, _CHUNK):
        end = min(first + _CHUNK, size)
        rows = await conn.fetch(_ENTRIES_WITH_LEAVES, first, end)
        if len(rows) != end - first:
            raise LedgerCorrupted(f"ledger entries between leaves {first} and {end} are missing")
        for row in rows:
            if row["leaf"] != leaf_hash(row["envelope"]):
                raise LedgerCorrupted(f"entry {row['leaf_index']}'s bytes are not the leaf the"
                                      " tree holds: changed after it was appended")  # fmt: skip
            found = case_and_event(row["envelope"])
            if found is not None:
                added.setdefault(found[0], []).append((row["leaf_index"], found[1]))
    return added


def case_and_event(envelope: bytes) -> tuple[UUID, UUID] | None:
    """The case and event an envelope names; None when it names no case (or the ids are not
    UUIDs): it is then in no case's history. verifier.py reads them by the same rule."""
    try:
        parsed = json.loads(envelope.decode())
        return UUID(parsed["case_id"]), UUID(parsed["event_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


async def _bucket_states(db: Db, buckets: Iterable[int],
                         checkpoint_id: int) -> dict[int, dict[UUID, State]]:  # fmt: skip
    wanted = sorted(buckets)
    rows = await db.fetch(
        "SELECT s.* FROM unnest($1::int[]) AS b(bucket) CROSS JOIN LATERAL ("
        " SELECT DISTINCT ON (case_id) case_id, bucket, event_count, digest"
        " FROM ledger_case_states s WHERE s.bucket = b.bucket"
        f" AND {_live('s.version', '$2')}"
        " ORDER BY case_id, version DESC) s",
        wanted, checkpoint_id,
    )  # fmt: skip
    states: dict[int, dict[UUID, State]] = {bucket: {} for bucket in wanted}
    for r in rows:
        states[r["bucket"]][r["case_id"]] = (r["event_count"], r["digest"])
    return states


def _bucket_digest(states: dict[UUID, State]) -> bytes:
    return bucket_hash(case_record(str(c), n, d) for c, (n, d) in states.items())


def _siblings_of(buckets: Iterable[int]) -> list[Position]:
    """The nodes beside the buckets' paths that no path passes through."""
    siblings, level_nodes = [], set(buckets)
    for level in range(CASE_INDEX_LEVELS):
        siblings += [(level, i ^ 1) for i in sorted(level_nodes) if i ^ 1 not in level_nodes]
        level_nodes = {i >> 1 for i in level_nodes}
    return siblings


async def _nodes(db: Db, positions: list[Position], checkpoint_id: int) -> dict[Position, bytes]:
    """Each node as of the checkpoint; a node never stored is an empty subtree's."""
    rows = await db.fetch(
        "SELECT p.level, p.index, n.hash FROM unnest($1::smallint[], $2::int[]) AS p(level, index)"
        " CROSS JOIN LATERAL (SELECT hash FROM ledger_case_nodes n"
        " WHERE n.level = p.level AND n.index = p.index"
        f" AND {_live('n.version', '$3')}"
        " ORDER BY n.version DESC LIMIT 1) n",
        [level for level, _ in positions], [index for _, index in positions], checkpoint_id,
    )  # fmt: skip
    found = {(r["level"], r["index"]): r["hash"] for r in rows}
    return {p: found.get(p, EMPTY_SUBTREES[p[0]]) for p in positions}


def _fold(buckets: dict[int, bytes], siblings: dict[Position, bytes]) -> tuple[bytes, list]:
    """The root over the given buckets' hashes and the other nodes; and every node made."""
    made, level_nodes = [], dict(buckets)
    for level in range(CASE_INDEX_LEVELS):
        made += [(level, i, h) for i, h in level_nodes.items()]
        parents = {}
        for i in {i >> 1 for i in level_nodes}:
            left = level_nodes.get(2 * i) or siblings[level, 2 * i]
            right = level_nodes.get(2 * i + 1) or siblings[level, 2 * i + 1]
            parents[i] = node_hash(left, right)
        level_nodes = parents
    made += [(CASE_INDEX_LEVELS, 0, level_nodes[0])]
    return level_nodes[0], made


async def _store(conn: asyncpg.Connection, version: int,
                 added: dict[UUID, list[tuple[int, UUID]]], bucket_of: dict[UUID, int],
                 states: dict[int, dict[UUID, State]], nodes: list) -> None:  # fmt: skip
    events = [(case, i, e, version) for case, listed in added.items() for i, e in listed]
    await conn.copy_records_to_table(
        "ledger_case_events", records=events,
        columns=["case_id", "leaf_index", "event_id", "version"],
    )  # fmt: skip
    changed = [(case, version, bucket_of[case], *states[bucket_of[case]][case])
               for case in added]  # fmt: skip
    await conn.copy_records_to_table(
        "ledger_case_states", records=changed,
        columns=["case_id", "version", "bucket", "event_count", "digest"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "ledger_case_nodes", records=[(lvl, i, version, h) for lvl, i, h in nodes],
        columns=["level", "index", "version", "hash"],
    )  # fmt: skip


def in_memory(events: Iterable[tuple[int, str, str]], case_id: str) -> tuple[bytes, dict]:
    """The root over (leaf index, event id, case id) events, and the proof of one case, with
    no database: the same structure, for tests and tools."""
    states: dict[int, dict[UUID, State]] = {}
    listed = []
    for leaf_index, event_id, case in events:
        bucket = states.setdefault(case_bucket(case), {})
        count, digest = bucket.get(UUID(case), (0, EMPTY_CASE_DIGEST))
        bucket[UUID(case)] = (count + 1, next_case_digest(digest, leaf_index, event_id))
        if UUID(case) == UUID(case_id):
            listed.append([leaf_index, event_id])
    buckets = {b: _bucket_digest(s) for b, s in states.items()} or {0: EMPTY_SUBTREES[0]}
    empties = {p: EMPTY_SUBTREES[p[0]] for p in _siblings_of(buckets)}
    root, made = _fold(buckets, empties)
    nodes = {**empties, **{(level, i): h for level, i, h in made}}
    ours = case_bucket(case_id)
    path = [(level, (ours >> level) ^ 1) for level in range(CASE_INDEX_LEVELS)]
    return root, {
        "case_id": case_id,
        "bucket": ours,
        "records": [[str(c), n, d.hex()] for c, (n, d) in sorted(states.get(ours, {}).items())],
        "siblings": [nodes.get(p, EMPTY_SUBTREES[p[0]]).hex() for p in path],
        "events": listed,
    }
