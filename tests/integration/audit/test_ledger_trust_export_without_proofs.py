"""A whole-ledger bundle may leave out the inclusion proofs (rebuilding every signed root from
all the leaves proves each leaf), which makes a large export a fraction of the size; a case
bundle may not."""

from services.audit.verifier import describe, verify_bundle
from tests.integration.audit.helpers import WITNESS, append, export_ledger, new_checkpointer
from tests.support.ledger_data import some_events


def without_proofs(bundle: dict) -> dict:
    entries = [{k: v for k, v in e.items() if k != "inclusion_proof"} for e in bundle["entries"]]
    return {**bundle, "entries": entries}


async def test_a_whole_ledger_without_inclusion_proofs_verifies_and_tampering_still_fails(
    audit_pool,
):
    checkpointer = new_checkpointer(audit_pool)
    await append(audit_pool, some_events(9))
    await checkpointer.issue()
    await append(audit_pool, some_events(8))
    await checkpointer.issue()
    bundle = without_proofs(await export_ledger(audit_pool))
    key = checkpointer.signer.public_key

    assert verify_bundle(bundle, key, witness=WITNESS).valid, describe(
        verify_bundle(bundle, key, witness=WITNESS)
    )
    bundle["entries"][4]["envelope"] = bundle["entries"][4]["envelope"].replace("gp", "GP")
    report = verify_bundle(bundle, key, witness=WITNESS)
    assert not report.valid
    assert any("no longer verifies" in f.reason for f in report.findings), describe(report)


async def test_a_case_bundle_entry_without_its_proof_fails(audit_pool):
    checkpointer = new_checkpointer(audit_pool)
    await append(audit_pool, some_events(3))
    await checkpointer.issue()
    bundle = without_proofs({**await export_ledger(audit_pool), "complete": False})

    report = verify_bundle(bundle, checkpointer.signer.public_key, witness=WITNESS)

    assert [f.reason for f in report.findings] == ["has no inclusion proof"] * 3
