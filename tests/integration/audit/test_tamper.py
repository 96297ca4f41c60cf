"""Tampering with the stored ledger, in the real database: the offline verifier names the
first bad leaf, and a checkpoint issued before the tampering no longer verifies."""

import pytest

from services.audit.errors import LedgerCorrupted
from services.audit.verifier import describe, verify_bundle
from tests.integration.audit.helpers import (
    WITNESS,
    append,
    as_maintenance,
    export_ledger,
    new_checkpointer,
)
from tests.support.ledger_data import envelope, some_events

EARLY, TOTAL, BAD = 12, 30, 5

SHIFT_UP_FROM_BAD = f"""
UPDATE ledger_entries SET leaf_index = -leaf_index - 1 WHERE leaf_index >= {BAD};
UPDATE ledger_entries SET leaf_index = -leaf_index WHERE leaf_index < 0;
"""

TAMPERING = {
    "change one byte": f"UPDATE ledger_entries SET envelope = set_byte(envelope, 40,"
    f" get_byte(envelope, 40) # 1) WHERE leaf_index = {BAD}",
    "delete an entry": f"DELETE FROM ledger_entries WHERE leaf_index = {BAD}",
    "insert an entry": SHIFT_UP_FROM_BAD,  # then a forged entry goes into the gap (below)
    "reorder two entries": f"""
        UPDATE ledger_entries SET leaf_index = -1 WHERE leaf_index = {BAD};
        UPDATE ledger_entries SET leaf_index = {BAD} WHERE leaf_index = {BAD + 3};
        UPDATE ledger_entries SET leaf_index = {BAD + 3} WHERE leaf_index = -1""",
}


@pytest.fixture
async def signed_ledger(audit_pool):
    """30 leaves, with a checkpoint at 12 leaves and another at 30; the key's public half."""
    checkpointer = new_checkpointer(audit_pool)
    events = some_events(TOTAL)
    await append(audit_pool, events[:EARLY])
    early = await checkpointer.issue()
    await append(audit_pool, events[EARLY:])
    await checkpointer.issue()
    return audit_pool, early, checkpointer.signer.public_key


async def test_untouched_ledger_verifies(signed_ledger):
    pool, _, public_key = signed_ledger

    report = verify_bundle(await export_ledger(pool), public_key, witness=WITNESS)

    assert report.valid, describe(report)
    assert report.entries == TOTAL and report.checkpoints == 2


@pytest.mark.parametrize("tampering", TAMPERING)
async def test_tampering_is_found_at_the_first_bad_leaf(signed_ledger, tampering):
    pool, early, public_key = signed_ledger
    await as_maintenance(pool, TAMPERING[tampering])
    if tampering == "insert an entry":
        await _insert_forged_entry(pool, BAD)

    report = verify_bundle(await export_ledger(pool), public_key, witness=WITNESS)

    assert report.first_bad_index == BAD, describe(report)
    assert any(
        f.subject.startswith(f"checkpoint #{early.id} ") and "no longer verifies" in f.reason
        for f in report.findings
    ), describe(report)


async def test_ledger_refuses_to_sign_a_tree_that_does_not_extend_its_last_checkpoint(
    signed_ledger,
):
    pool, _, _ = signed_ledger
    # the subtree over leaves 0-15, which every later root is built from
    await as_maintenance(
        pool, "UPDATE ledger_nodes SET hash = sha256(hash) WHERE level = 4 AND index = 0"
    )
    await append(pool, some_events(3))

    with pytest.raises(LedgerCorrupted, match="no longer extends checkpoint"):
        await new_checkpointer(pool).issue()


async def _insert_forged_entry(pool, leaf_index: int) -> None:
    forged = envelope(actor="someone-else")
    canonical = forged.canonical_json()
    await pool.execute(
        "INSERT INTO ledger_entries (leaf_index, event_id, type, case_id, topic, kafka_partition,"
        " kafka_offset, envelope, leaf_hash) VALUES ($1, $2, $3, $4, 'intake.events', 0, 0, $5,"
        " sha256('\\x00'::bytea || $5))",
        leaf_index, forged.event_id, forged.type, forged.case_id, canonical,
    )  # fmt: skip
