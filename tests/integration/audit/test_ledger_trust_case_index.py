"""A case bundle proves it holds every event of the case: each checkpoint's note commits to
the case index (each case's event count and the digest of its event list), and the bundle
carries its proof. Against the real database: an event cut from the bundle, or moved out of
the case by its case_id column, fails even when no aggregate's versions show a gap (the
case's last event), naming the case and the event; an event moved into the case is named;
and a case index rewritten in the database stops the checkpointer."""

import uuid

import pytest

from services.audit import bundles, checkpoints, proofs
from services.audit.errors import SigningRefused
from services.audit.verifier import describe, verify_bundle
from tests.integration.audit.helpers import WITNESS, append, as_maintenance, new_checkpointer
from tests.support.ledger_data import delivered, envelope, some_events


@pytest.fixture
async def case_ledger(audit_pool):
    """A case with events 1..4 of one aggregate among others, another case, a checkpoint."""
    case_id, other = uuid.uuid4(), uuid.uuid4()
    events = [envelope(case_id=case_id, version=v) for v in range(1, 5)]
    stranger = envelope(case_id=other)
    await append(audit_pool, [*some_events(2), *delivered(events[:3]), *delivered([stranger]),
                              *some_events(2), *delivered(events[3:])])  # fmt: skip
    checkpointer = new_checkpointer(audit_pool)
    await checkpointer.issue()
    return audit_pool, case_id, events, stranger, checkpointer


async def _verify(pool, case_id, checkpointer, bundle=None):
    bundle = bundle or await bundles.case_bundle(pool, case_id, None, None)
    return verify_bundle(bundle, checkpointer.signer.public_key, witness=WITNESS)


def _names_missing(report, case_id, event) -> bool:
    return any(
        f.subject == f"case {case_id}" and f"event {event.event_id}" in f.reason
        and "missing from the bundle" in f.reason
        for f in report.findings
    )  # fmt: skip


async def test_a_whole_case_bundle_proves_it_holds_every_event(case_ledger):
    pool, case_id, events, _, checkpointer = case_ledger

    bundle = await bundles.case_bundle(pool, case_id, None, None)
    report = await _verify(pool, case_id, checkpointer, bundle)

    assert report.valid, describe(report)
    assert [e[1] for e in bundle["case_index"]["events"]] == [str(e.event_id) for e in events]


async def test_the_last_event_cut_from_the_bundle_fails_naming_case_and_event(case_ledger):
    pool, case_id, events, _, checkpointer = case_ledger
    bundle = await bundles.case_bundle(pool, case_id, None, None)
    bundle["entries"] = [
        e for e in bundle["entries"] if str(events[3].event_id) not in e["envelope"]
    ]

    report = await _verify(pool, case_id, checkpointer, bundle)

    assert _names_missing(report, case_id, events[3]), describe(report)


async def test_the_last_event_moved_out_by_its_case_id_column_fails_naming_it(case_ledger):
    pool, case_id, events, _, checkpointer = case_ledger
    await as_maintenance(pool, f"UPDATE ledger_entries SET case_id = '{uuid.uuid4()}'"
                         f" WHERE event_id = '{events[3].event_id}'")  # fmt: skip

    report = await _verify(pool, case_id, checkpointer)

    assert _names_missing(report, case_id, events[3]), describe(report)


async def test_an_event_moved_into_the_case_by_its_case_id_column_is_named(case_ledger):
    pool, case_id, _, stranger, checkpointer = case_ledger
    await as_maintenance(pool, f"UPDATE ledger_entries SET case_id = '{case_id}'"
                         f" WHERE event_id = '{stranger.event_id}'")  # fmt: skip

    report = await _verify(pool, case_id, checkpointer)

    assert any(f"event {stranger.event_id} is not one of the events of case {case_id}" in str(f)
               for f in report.findings), describe(report)  # fmt: skip


async def test_an_event_cut_from_the_case_index_rows_too_fails_against_the_signed_root(
    case_ledger,
):
    pool, case_id, events, _, checkpointer = case_ledger
    last = events[3].event_id
    await as_maintenance(pool, f"UPDATE ledger_entries SET case_id = NULL"
                         f" WHERE event_id = '{last}';"
                         f" DELETE FROM ledger_case_events WHERE event_id = '{last}'")  # fmt: skip

    report = await _verify(pool, case_id, checkpointer)

    assert f"case {case_id}" in describe(report) and "is not the signed one (4 events)" in describe(
        report
    )


async def test_a_case_index_rewritten_in_the_database_stops_the_checkpointer(case_ledger):
    pool, case_id, _, _, checkpointer = case_ledger
    await as_maintenance(pool, f"UPDATE ledger_case_states SET event_count = 3"
                         f" WHERE case_id = '{case_id}'")  # fmt: skip
    await append(pool, [*delivered([envelope(case_id=case_id, version=5)])])

    with pytest.raises(SigningRefused, match="case index no longer hashes to the root"):
        await checkpointer.issue()
    assert (await checkpoints.latest(pool)).tree_size == 9  # nothing more was signed


async def test_a_checkpoint_from_a_ledger_without_the_index_is_built_on_without_a_rebuild(
    case_ledger,
):
    """During an upgrade the previous version may still sign a checkpoint (no case-index
    line): the next one builds on the newest that has an index, not on every leaf again."""
    pool, case_id, _, _, checkpointer = case_ledger
    await append(pool, [*delivered([envelope(case_id=case_id, version=5)]), *some_events(2)])
    previous = await checkpoints.latest(pool)
    legacy = checkpointer._signed(previous.id + 1, 12, await proofs.root_at(pool, 12),
                                  previous.issued_at, None)  # fmt: skip
    await pool.execute(
        "INSERT INTO ledger_checkpoints (id, tree_size, root_hash, issued_at, key_id,"
        " signature, note_signature) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        legacy.id, legacy.tree_size, legacy.root_hash, legacy.issued_at, legacy.key_id,
        legacy.signature, legacy.note_signature,
    )  # fmt: skip
    await append(pool, [*delivered([envelope(case_id=case_id, version=6)])])

    issued = await checkpointer.issue()

    assert issued is not None and issued.case_index_root is not None
    report = await _verify(pool, case_id, checkpointer)
    assert report.valid, describe(report)
    rows = await pool.fetchval(
        "SELECT count(*) FROM ledger_case_events WHERE case_id = $1", case_id
    )
    assert rows == 6  # each event of the case indexed once


async def test_a_case_index_rebuilt_from_the_first_leaf_lists_each_event_once(case_ledger):
    """An index rebuilt from leaf 0 (before 4873580, beside a ledger of the previous version)
    holds the case's events under two versions: the proof lists each once."""
    pool, case_id, _, _, checkpointer = case_ledger
    await append(pool, [*delivered([envelope(case_id=case_id, version=5)])])
    await checkpointer.issue()
    later = await pool.fetchval("SELECT max(case_index_version) FROM ledger_checkpoints")
    await as_maintenance(pool, "INSERT INTO ledger_case_events"
                         f" SELECT case_id, leaf_index, event_id, {later} FROM ledger_case_events"
                         f" WHERE version < {later}")  # fmt: skip

    report = await _verify(pool, case_id, checkpointer)

    assert report.valid, describe(report)


async def test_an_entry_changed_before_it_is_indexed_stops_the_checkpointer(case_ledger):
    """The index is read from the entries' bytes only once they hash to the tree's leaves:
    an envelope moved to another case in the database before the next checkpoint is found."""
    pool, case_id, _, _, checkpointer = case_ledger
    sent = envelope(case_id=case_id, version=5)
    await append(pool, [*delivered([sent])])
    moved = sent.canonical_json().decode().replace(str(case_id), str(uuid.uuid4()))
    await as_maintenance(pool, f"UPDATE ledger_entries SET envelope = convert_to('{moved}', 'UTF8')"
                         f" WHERE event_id = '{sent.event_id}'")  # fmt: skip

    with pytest.raises(SigningRefused, match="entry 9's bytes are not the leaf the tree holds"):
        await checkpointer.issue()
