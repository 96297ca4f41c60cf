"""Exports for auditors: a case's history, and bundles the offline verifier checks
(the format is described in verifier.py). Every proof is against one signed checkpoint."""

import contextlib
import itertools
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from services.audit import case_index, checkpoints, entries, proofs
from services.audit.checkpoints import Checkpoint
from services.audit.errors import NotFound, NotYetCheckpointed
from services.audit.merkle import consistency_proof
from services.audit.replay import Entry, replay
from services.audit.verifier import BUNDLE_FORMAT, leaf_hash, verify_inclusion

Db: TypeAlias = proofs.Db


async def case_entries(db: Db, case_id: UUID, anchor: Checkpoint) -> list[Entry]:
    """The case's entries with their inclusion proofs against `anchor`."""
    rows = await entries.of_case(db, case_id, anchor.tree_size)
    if not rows:
        raise NotFound(f"case {case_id} has no events in the ledger at checkpoint #{anchor.id}")
    found = await proofs.prove_inclusions(db, [r["leaf_index"] for r in rows], anchor.tree_size)
    return [Entry(r["leaf_index"], r["envelope"].decode(), found[r["leaf_index"]]) for r in rows]


async def proven_entry(db: Db, leaf_index: int, anchor: Checkpoint) -> dict[str, Any]:
    """One entry with its inclusion proof against `anchor`, checked here as well."""
    if leaf_index >= anchor.tree_size:
        raise NotYetCheckpointed(
            f"leaf {leaf_index} came after checkpoint #{anchor.id} (tree size"
            f" {anchor.tree_size}); POST /checkpoints signs a newer one"
        )
    row = await entries.by_leaf_index(db, leaf_index)
    proof = await proofs.prove_inclusion(db, leaf_index, anchor.tree_size)
    digest = leaf_hash(row["envelope"])
    verified = verify_inclusion(digest, leaf_index, anchor.tree_size, proof, anchor.root_hash)
    return {
        "leaf_index": leaf_index,
        "event_id": str(row["event_id"]),
        "envelope": row["envelope"].decode(),
        "leaf_hash": digest.hex(),
        "checkpoint": anchor.as_json(),
        "inclusion_proof": [h.hex() for h in proof],
        "verified": verified,
    }


async def case_history(
    db: Db, case_id: UUID, checkpoint_id: int | None, at: datetime | None
) -> dict[str, Any]:
    async with _connection(db) as conn:
        anchor = await checkpoints.chosen(conn, checkpoint_id)
        found = await case_entries(conn, case_id, anchor)
    return replay(str(case_id), found, anchor.as_json(), at)


async def case_bundle(
    db: Db, case_id: UUID, checkpoint_id: int | None, at: datetime | None
) -> dict[str, Any]:
    """The case's entries proven against the checkpoint (by default the newest the witness
    cosigned), which is shown to be a prefix of the latest checkpoint, so the history cannot
    have been rewritten since; and the case index's proof that they are all of the case's
    events at that checkpoint. Every event is given, also with `at`: the replay stops at it
    (scope.as_of), and the verifier can show that none is missing."""
    async with _connection(db) as conn:
        anchor = await _anchor(conn, checkpoint_id)
        latest = await checkpoints.latest(conn)
        found = await case_entries(conn, case_id, anchor)
        scope = {"kind": "case", "case_id": str(case_id),
                 "as_of": at.isoformat() if at else None}  # fmt: skip
        chain = [anchor] if latest.id == anchor.id else [anchor, latest]
        bundle = await _bundle(conn, scope, anchor, chain, found, complete=False)
        bundle["case_index"] = await case_index.proof(conn, case_id, anchor.id, anchor.tree_size)
    return bundle


async def ledger_bundle_head(db: Db, checkpoint_id: int | None, since_id: int) -> dict[str, Any]:
    """Everything of a whole-ledger bundle but its entries, which come in pages: the
    checkpoints from `since_id` to the anchor (by default the newest the witness cosigned),
    each to be rebuilt from the entries."""
    anchor = await _anchor(db, checkpoint_id)
    chain = await checkpoints.between(db, min(since_id, anchor.id), anchor.id)
    return await _bundle(db, {"kind": "ledger"}, anchor, chain, [], complete=True)


async def ledger_bundle_entries(
    db: Db, checkpoint_id: int, after: int, limit: int
) -> dict[str, Any]:
    anchor = await checkpoints.by_id(db, checkpoint_id)
    rows = await entries.page(db, after, limit, below=anchor.tree_size)
    found = await proofs.prove_inclusions(db, [r["leaf_index"] for r in rows], anchor.tree_size)
    page = [_entry(Entry(r["leaf_index"], r["envelope"].decode(), found[r["leaf_index"]]))
            for r in rows]  # fmt: skip
    return {"entries": page, "next_after": page[-1]["leaf_index"] if page else None}


@contextlib.asynccontextmanager
async def _connection(db: Db) -> AsyncIterator[asyncpg.Connection]:
    """One connection for a request's several queries: a pool resets each connection it
    takes back (a round trip to the database), once here instead of after every query."""
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn:
            yield conn
    else:
        yield db


async def _anchor(db: Db, checkpoint_id: int | None) -> Checkpoint:
    """The checkpoint asked for, or the newest the witness cosigned: verifiers require it."""
    if checkpoint_id is not None:
        return await checkpoints.by_id(db, checkpoint_id)
    return await checkpoints.latest_cosigned(db)


async def _bundle(
    db: Db, scope: dict[str, Any], anchor: Checkpoint, chain: list[Checkpoint],
    found: list[Entry], complete: bool,
) -> dict[str, Any]:  # fmt: skip
    pairs = list(itertools.pairwise(chain))
    chain_proofs = await proofs.computed(
        db, lambda get: [consistency_proof(a.tree_size, b.tree_size, get) for a, b in pairs]
    )
    return {
        "format": BUNDLE_FORMAT,
        "scope": scope,
        "complete": complete,
        "proven_against": anchor.id,
        "checkpoints": [c.as_json() for c in chain],
        "consistency": [
            {"from": a.id, "to": b.id, "proof": [h.hex() for h in proof]}
            for (a, b), proof in zip(pairs, chain_proofs, strict=True)
        ],
        "entries": [_entry(e) for e in found],
    }


def _entry(entry: Entry) -> dict[str, Any]:
    return {
        "leaf_index": entry.leaf_index,
        "envelope": entry.envelope,
        "inclusion_proof": [h.hex() for h in entry.inclusion_proof],
    }
