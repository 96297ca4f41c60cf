"""Replay: a case's history as of a checkpoint, and optionally a moment, with every event
proven against that checkpoint and the case's state rebuilt by the folds.

No I/O: the service feeds it entries from the database, the auditor's command-line tool feeds
it entries from an exported bundle, and both get the same answer.
"""

import json
from datetime import datetime
from typing import Any, NamedTuple

from services.audit import folds
from services.audit.verifier import leaf_hash, verify_inclusions


class Entry(NamedTuple):
    leaf_index: int
    envelope: str  # the message as it arrived: the text whose bytes the leaf hash covers
    inclusion_proof: list[bytes]


def replay(
    case_id: str, entries: list[Entry], checkpoint: dict[str, Any], as_of: datetime | None = None
) -> dict[str, Any]:
    """The history as JSON: events in the order they happened, each with its proof and
    whether it verifies against `checkpoint` (its tree_size and root_hash)."""
    digests = [leaf_hash(entry.envelope.encode()) for entry in entries]
    proven = verify_inclusions(
        ((d, e.leaf_index, e.inclusion_proof) for d, e in zip(digests, entries, strict=True)),
        checkpoint["tree_size"], bytes.fromhex(checkpoint["root_hash"]),
    )  # fmt: skip
    events = [_event(*found) for found in zip(entries, digests, proven, strict=True)]
    events.sort(key=lambda e: (e["occurred"], e["leaf_index"]))
    if as_of is not None:
        events = [e for e in events if e["occurred"] <= as_of]
    rebuilt = folds.rebuild(e.pop("parsed") for e in events)
    known = folds.known_types()
    for event in events:
        del event["occurred"]
        event["folded"] = event["type"] in known
    return {
        "case_id": case_id,
        "as_of": as_of.isoformat() if as_of else None,
        "checkpoint": checkpoint,
        "all_proven": all(e["proven"] for e in events),
        "events": events,
        "state": rebuilt.state,
        "unknown_types": rebuilt.unknown_types,
        "fold_errors": rebuilt.fold_errors,
    }


def _event(entry: Entry, digest: bytes, proven: bool) -> dict[str, Any]:
    envelope = json.loads(entry.envelope)
    return {
        "leaf_index": entry.leaf_index,
        "event_id": envelope["event_id"],
        "type": envelope["type"],
        "occurred_at": envelope["occurred_at"],
        "actor": envelope["actor"],
        "originator_id": envelope["originator_id"],
        "originator_version": envelope["originator_version"],
        "data": envelope["data"],
        "leaf_hash": digest.hex(),
        "inclusion_proof": [p.hex() for p in entry.inclusion_proof],
        "proven": proven,
        "occurred": datetime.fromisoformat(envelope["occurred_at"]),
        "parsed": envelope,
    }
