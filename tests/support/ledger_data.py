"""Factories for the audit ledger's tests: envelopes as the relays publish them."""

import base64
import itertools
import struct
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.verifier import (
    CASE_INDEX_LINE,
    ORIGIN,
    WitnessKey,
    checkpoint_note,
    cosignature_message,
    note_signature_line,
)
from shared.consumer import Delivered
from shared.envelope import Actor, Envelope, event_id_of

_offsets = itertools.count()
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def envelope(
    event_type: str = "intake.ReferralReceived",
    *,
    case_id: uuid.UUID | None = None,
    version: int = 1,
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    actor: str = "staff-1",
    role: str = "intake_worker",
) -> Envelope:
    case_id = case_id or uuid.uuid4()
    return Envelope(
        event_id=event_id_of("intake", case_id, version),
        type=event_type,
        schema_version=1,
        case_id=case_id,
        site_id="north",
        originator_id=case_id,
        originator_version=version,
        occurred_at=occurred_at or T0 + timedelta(minutes=version),
        actor=Actor(id=actor, role=role),
        correlation_id=str(uuid.uuid4()),
        causation_id=None,
        data={"referral_source": "gp", "referral_date": "2025-03-03"} if data is None else data,
    )


def delivered(
    envelopes: list[Envelope], topic: str = "intake.events", partition: int = 0
) -> list[Delivered]:
    return [Delivered(e, topic, partition, next(_offsets)) for e in envelopes]


def some_events(count: int) -> list[Delivered]:
    return delivered([envelope() for _ in range(count)])


# The witness of bundles built in memory: verifiers are given WITNESS (its name and key).
WITNESS_KEY = Ed25519PrivateKey.generate()
WITNESS = WitnessKey("witness.test", WITNESS_KEY.public_key().public_bytes_raw())


def signed_checkpoint(key, tree, size: int, checkpoint_id: int,
                      case_index_root: bytes | None = None) -> dict[str, Any]:  # fmt: skip
    """A checkpoint as the ledger serves it, over the first `size` leaves of `tree`
    (a MemoryNodeStore), signed with `key` (an Ed25519PrivateKey), its note cosigned by
    WITNESS."""
    from services.audit.merkle import root_hash
    from services.audit.verifier import checkpoint_body, key_id_of

    root = root_hash(size, tree.get_node)
    issued_at = (T0 + timedelta(seconds=checkpoint_id)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    signature = key.sign(checkpoint_body(size, root, issued_at))
    public = key.public_key().public_bytes_raw()
    extensions = [f"checkpoint {checkpoint_id} {issued_at}"]
    if case_index_root is not None:
        extensions.append(CASE_INDEX_LINE + base64.b64encode(case_index_root).decode())
    text = checkpoint_note(ORIGIN, size, root, extensions)
    note = text + "\n" + note_signature_line(ORIGIN, public, key.sign(text.encode()))
    return {"id": checkpoint_id, "tree_size": size, "root_hash": root.hex(),
            "issued_at": issued_at, "key_id": key_id_of(public),
            "signature": base64.b64encode(signature).decode(),
            "note": note + cosignature_line(text)}  # fmt: skip


def cosignature_line(text: str, key=WITNESS_KEY, name: str = WITNESS.name) -> str:
    """The witness's C2SP cosignature of a note's text."""
    public = WitnessKey(name, key.public_key().public_bytes_raw())
    blob = public.key_hash + struct.pack(">Q", 1_700_000_000)
    blob += key.sign(cosignature_message(text, 1_700_000_000))
    return f"\u2014 {name} {base64.b64encode(blob).decode()}\n"


def memory_bundle(
    key,
    envelopes: list[str],
    sizes: list[int],
    indexes: list[int] | None = None,
    scope: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A bundle built the way the ledger builds one, from a tree in memory: checkpoints at
    `sizes` (the last is the anchor), the entries at `indexes` (all: a complete bundle)."""
    from services.audit.merkle import MemoryNodeStore, consistency_proof, inclusion_proof
    from services.audit.verifier import BUNDLE_FORMAT

    tree = MemoryNodeStore.from_leaves(e.encode() for e in envelopes)
    case_id = (scope or {}).get("case_id")
    indexes_at = [_case_index(envelopes[:size], case_id or str(uuid.UUID(int=0)))
                  for size in sizes]  # fmt: skip
    checkpoints = [signed_checkpoint(key, tree, size, n + 1, indexes_at[n][0])
                   for n, size in enumerate(sizes)]  # fmt: skip
    anchor = checkpoints[-1]
    size = anchor["tree_size"]

    def chain_link(a: dict, b: dict) -> dict[str, Any]:
        proof = consistency_proof(a["tree_size"], b["tree_size"], tree.get_node)
        return {"from": a["id"], "to": b["id"], "proof": [h.hex() for h in proof]}

    def entry(i: int) -> dict[str, Any]:
        proof = [h.hex() for h in inclusion_proof(i, size, tree.get_node)]
        return {"leaf_index": i, "envelope": envelopes[i], "inclusion_proof": proof}

    bundle = {
        "format": BUNDLE_FORMAT,
        "scope": scope or {"kind": "ledger"},
        "complete": indexes is None,
        "proven_against": anchor["id"],
        "checkpoints": checkpoints,
        "consistency": [chain_link(a, b) for a, b in itertools.pairwise(checkpoints)],
        "entries": [entry(i) for i in (range(size) if indexes is None else indexes)],
    }
    if case_id:
        bundle["case_index"] = indexes_at[-1][1]
    return bundle


def _case_index(envelopes: list[str], case_id: str) -> tuple[bytes, dict]:
    """The case index over the envelopes (as the checkpointer builds it) and `case_id`'s proof."""
    import json

    from services.audit.case_index import in_memory

    parsed = [json.loads(e) for e in envelopes]
    events = [(i, e["event_id"], e["case_id"]) for i, e in enumerate(parsed) if e.get("case_id")]
    return in_memory(events, case_id)


def canonical_texts(count: int, case_id: uuid.UUID | None = None) -> list[str]:
    return [
        envelope(case_id=case_id, version=n + 1).canonical_json().decode() for n in range(count)
    ]


DIGEST = "ab" * 32


def intake_story(case_id: uuid.UUID) -> list[Envelope]:
    """A case from referral to discharge, with a consent, an IPAF revision and a viewer."""
    booking = {
        "appointment_id": str(uuid.uuid4()),
        "appointment_type": "01",
        "scheduled_for": "2025-03-10T10:00:00Z",
        "assessor_id": "a1",
    }
    outcome = {
        "suitable": True,
        "ending_code": None,
        "assessed_on": "2025-03-10",
        "reason_sha256": DIGEST,
    }
    consent = {
        "consent_id": "c1",
        "document": "therapy_contract",
        "template_version": 2,
        "template_sha256": DIGEST,
        "signed_by": "client",
        "witnessed_by": "t1",
        "method": "electronic",
        "signed_at": "2025-03-19T10:00:00Z",
    }
    first = {
        "attended_on": "2025-03-19",
        "appointment_id": None,
        "appointment_type": "02",
        "waited_days": 16,
    }
    steps = [
        ("intake.ReferralReceived", {"referral_source": "gp", "referral_date": "2025-03-03"}),
        ("intake.AssessmentBooked", booking),
        ("intake.AssessmentOutcomeRecorded", outcome),
        ("intake.TherapistAllocated", {"therapist_id": "t1", "allocated_on": "2025-03-12"}),
        ("intake.ConsentRecorded", consent),
        ("reports.CaseExported", {"format": "pdf"}),  # a type with no fold yet
        ("intake.IpafRecorded", {"revision": 1, "agreed_on": "2025-03-26", "ipaf_sha256": DIGEST}),
        ("intake.FirstTreatmentAttended", first),
        ("intake.IpafRecorded", {"revision": 2, "agreed_on": "2025-05-07", "ipaf_sha256": DIGEST}),
        ("intake.CaseDischarged", {"ending_code": "46", "discharged_on": "2025-07-02"}),
    ]  # fmt: skip
    return [
        envelope(t, case_id=case_id, version=n + 1, data=d, actor="t1", role="therapist")
        for n, (t, d) in enumerate(steps)
    ]
