"""The auditor's replay page builds its table from the bundle it verifies: the case's events
in the order they happened, each proven only when nothing was found wrong with its entry or
with the checkpoint it is proven against."""

import uuid
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.verifier import verify_bundle
from services.gateway.web.audit import timeline
from tests.support.ledger_data import T0, WITNESS, canonical_texts, envelope, memory_bundle

KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key().public_bytes_raw()


def case_bundle(minutes: list[int]) -> dict:
    """The bundle of a case whose events happened at those minutes past T0, among other
    cases' events."""
    case_id = uuid.uuid4()
    ours = [envelope(case_id=case_id, version=n + 1, occurred_at=T0 + timedelta(minutes=m),
                     actor=f"staff-{m}").canonical_json().decode()
            for n, m in enumerate(minutes)]  # fmt: skip
    leaves = canonical_texts(3) + ours + canonical_texts(2)
    indexes = list(range(3, 3 + len(ours)))
    scope = {"kind": "case", "case_id": str(case_id)}
    return memory_bundle(KEY, leaves, [len(leaves)], indexes, scope)


def rows_of(bundle: dict, witness=WITNESS) -> list[dict]:
    """The table as the page makes it: from the envelopes the verifier read."""
    envelopes: dict = {}
    report = verify_bundle(bundle, PUBLIC, witness=witness, envelopes=envelopes)
    return timeline(bundle, report, envelopes)


def test_events_are_listed_in_the_order_they_happened_each_proven():
    bundle = case_bundle([5, 2, 9])

    rows = rows_of(bundle)

    assert [r["actor"] for r in rows] == [f"staff-{m} (intake_worker)" for m in (2, 5, 9)]
    assert [r["occurred_at"][:16] for r in rows] == ["2025-03-03T09:02", "2025-03-03T09:05",
                                                     "2025-03-03T09:09"]  # fmt: skip
    assert all(r["proven"] and r["type"] == "intake.ReferralReceived" for r in rows)
    assert timeline(bundle, verify_bundle(bundle, PUBLIC, witness=WITNESS)) == rows


def test_a_changed_entry_is_not_proven_and_the_others_still_are():
    bundle = case_bundle([1, 2, 3])
    changed = bundle["entries"][1]
    changed["envelope"] = changed["envelope"].replace("staff-2", "staff-7")

    rows = rows_of(bundle)

    assert [(r["actor"], r["proven"]) for r in rows] == [
        ("staff-1 (intake_worker)", True),
        ("staff-7 (intake_worker)", False),
        ("staff-3 (intake_worker)", True),
    ]


def test_nothing_is_proven_against_a_checkpoint_the_witness_did_not_cosign():
    bundle = case_bundle([1, 2])

    rows = rows_of(bundle, witness=None)

    assert [r["proven"] for r in rows] == [False, False]


def test_an_entry_that_is_not_an_event_is_listed_last_as_such_and_not_proven():
    bundle = case_bundle([1, 2])
    bundle["entries"][1]["envelope"] = "not json"

    rows = rows_of(bundle)

    assert [(r["type"], r["proven"]) for r in rows] == [
        ("intake.ReferralReceived", True),
        ("not an event", False),
    ]
