"""Factories for the audit ledger's tests: envelopes as the relays publish them."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

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


def signed_checkpoint(key, tree, size: int, checkpoint_id: int) -> dict[str, Any]:
    """A checkpoint as the ledger serves it, over the first `size` leaves of `tree`
    (a MemoryNodeStore), signed with `key` (an Ed25519PrivateKey)."""
    import base64

    from services.audit.merkle import root_hash
    from services.audit.verifier import checkpoint_body, key_id_of

    root = root_hash(size, tree.get_node)
    issued_at = (T0 + timedelta(seconds=checkpoint_id)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    signature = key.sign(checkpoint_body(size, root, issued_at))
    public = key.public_key().public_bytes_raw()
    return {"id": checkpoint_id, "tree_size": size, "root_hash": root.hex(),
            "issued_at": issued_at, "key_id": key_id_of(public),
            "signature": base64.b64encode(signature).decode()}  # fmt: skip


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
    checkpoints = [signed_checkpoint(key, tree, size, n + 1) for n, size in enumerate(sizes)]
    anchor = checkpoints[-1]
    size = anchor["tree_size"]

    def chain_link(a: dict, b: dict) -> dict[str, Any]:
        proof = consistency_proof(a["tree_size"], b["tree_size"], tree.get_node)
        return {"from": a["id"], "to": b["id"], "proof": [h.hex() for h in proof]}

    def entry(i: int) -> dict[str, Any]:
        proof = [h.hex() for h in inclusion_proof(i, size, tree.get_node)]
        return {"leaf_index": i, "envelope": envelopes[i], "inclusion_proof": proof}

    return {
        "format": BUNDLE_FORMAT,
        "scope": scope or {"kind": "ledger"},
        "complete": indexes is None,
        "proven_against": anchor["id"],
        "checkpoints": checkpoints,
        "consistency": [chain_link(a, b) for a, b in itertools.pairwise(checkpoints)],
        "entries": [entry(i) for i in (range(size) if indexes is None else indexes)],
    }


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
