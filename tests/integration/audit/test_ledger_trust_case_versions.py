"""A case bundle that lacks one of an aggregate's events fails verification, naming the case
and the event after the gap: whether the event was cut from the bundle, or moved out of the
case by changing its case_id column in the database (which no hash covers)."""

import uuid

import pytest

from services.audit import bundles
from services.audit.verifier import describe, verify_bundle
from tests.integration.audit.helpers import WITNESS, append, as_maintenance, new_checkpointer
from tests.support.ledger_data import delivered, envelope, some_events


@pytest.fixture
async def case_ledger(audit_pool):
    """A case whose aggregate has versions 1..4, among other events; a checkpoint."""
    case_id = uuid.uuid4()
    events = [envelope(case_id=case_id, version=v) for v in range(1, 5)]
    await append(audit_pool, [*some_events(3), *delivered(events[:2]), *some_events(2),
                              *delivered(events[2:])])  # fmt: skip
    checkpointer = new_checkpointer(audit_pool)
    await checkpointer.issue()
    return audit_pool, case_id, events, checkpointer.signer.public_key


async def test_a_whole_case_bundle_verifies(case_ledger):
    pool, case_id, _, key = case_ledger

    report = verify_bundle(
        await bundles.case_bundle(pool, case_id, None, None), key, witness=WITNESS
    )

    assert report.valid, describe(report)


def _names_the_gap(report, case_id, events) -> bool:
    return any(
        f.subject == f"case {case_id}" and str(events[2].event_id) in f.reason
        and "version 2 is missing" in f.reason
        for f in report.findings
    )  # fmt: skip


async def test_an_event_cut_from_the_case_bundle_fails_naming_case_and_event(case_ledger):
    pool, case_id, events, key = case_ledger
    bundle = await bundles.case_bundle(pool, case_id, None, None)
    bundle["entries"] = [
        e for e in bundle["entries"] if str(events[1].event_id) not in e["envelope"]
    ]

    report = verify_bundle(bundle, key, witness=WITNESS)

    assert _names_the_gap(report, case_id, events), describe(report)


async def test_a_case_id_changed_in_the_database_fails_naming_case_and_event(case_ledger):
    pool, case_id, events, key = case_ledger
    await as_maintenance(pool, f"UPDATE ledger_entries SET case_id = '{uuid.uuid4()}'"
                         f" WHERE event_id = '{events[1].event_id}'")  # fmt: skip

    report = verify_bundle(
        await bundles.case_bundle(pool, case_id, None, None), key, witness=WITNESS
    )

    assert _names_the_gap(report, case_id, events), describe(report)
