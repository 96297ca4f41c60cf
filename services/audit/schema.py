"""The audit service's own tables, created idempotently at start-up."""

import asyncpg

from services.audit import case_index, witnessing
from shared.schema import APPEND_ONLY_FUNCTION, append_only, create_idempotently

AUDIT_SCHEMA = """
-- One row per event, in arrival order: leaf `leaf_index` of the Merkle tree.
CREATE TABLE IF NOT EXISTS ledger_entries (
    leaf_index bigint PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    case_id uuid,
    topic text NOT NULL,
    kafka_partition int NOT NULL,
    kafka_offset bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    envelope bytea NOT NULL,      -- the message value as it arrived: the bytes the leaf hash covers
    leaf_hash bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_entries_case ON ledger_entries (case_id, leaf_index);
CREATE INDEX IF NOT EXISTS ledger_entries_kafka
    ON ledger_entries (topic, kafka_partition, kafka_offset);

-- Every complete subtree of the tree: node (level, index) covers the leaves
-- [index * 2^level, (index + 1) * 2^level). Written once, with the leaf that completes it.
CREATE TABLE IF NOT EXISTS ledger_nodes (
    level smallint NOT NULL,
    index bigint NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (level, index)
);

-- Signed tree heads; every one is kept.
CREATE TABLE IF NOT EXISTS ledger_checkpoints (
    id bigserial PRIMARY KEY,
    tree_size bigint NOT NULL,
    root_hash bytea NOT NULL,
    issued_at timestamptz NOT NULL,
    key_id text NOT NULL,
    signature bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_checkpoints_issued ON ledger_checkpoints (issued_at);
-- The checkpoint as a C2SP signed note (verifier.checkpoint_note): key hash || signature.
ALTER TABLE ledger_checkpoints ADD COLUMN IF NOT EXISTS note_signature bytea;

-- Checks the checkpointer made before signing and that failed: while one is open (not
-- resolved) nothing is signed. A person resolves it (cli resume-signing), saying who and why.
CREATE TABLE IF NOT EXISTS checkpointer_alarms (
    id bigserial PRIMARY KEY,
    raised_at timestamptz NOT NULL DEFAULT now(),
    error text NOT NULL,
    resolved_at timestamptz,
    resolved_by text,
    reason text
);

-- How far each topic partition has been compared with the ledger and found complete.
CREATE TABLE IF NOT EXISTS reconciliation_marks (
    topic text NOT NULL,
    kafka_partition int NOT NULL,
    checked_to bigint NOT NULL,   -- every offset below this one is accounted for
    PRIMARY KEY (topic, kafka_partition)
);
"""


# The ledger is never rewritten, even by the table's owner (shared/schema.py).
LEDGER_TABLES = ("ledger_entries", "ledger_nodes", "ledger_checkpoints", "ledger_cosignatures",
                 *case_index.TABLES)  # fmt: skip
LEDGER_APPEND_ONLY = APPEND_ONLY_FUNCTION + "".join(append_only(t) for t in LEDGER_TABLES)
TRUST_SCHEMA = witnessing.COSIGNATURES_SCHEMA + case_index.CASE_INDEX_SCHEMA


async def ensure_audit_schema(conn: asyncpg.Connection) -> None:
    await create_idempotently(conn, AUDIT_SCHEMA + TRUST_SCHEMA + LEDGER_APPEND_ONLY)
