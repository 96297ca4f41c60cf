"""Proofs between any two tree sizes, so a case bundle can prove that it extends the
checkpoint an auditor kept; one whose ledger was rewritten since cannot."""

import pytest

from services.audit import bundles, checkpoints, proofs, trust
from services.audit.errors import InvalidRequest, SigningRefused
from services.audit.verifier import describe, verify_bundle, verify_consistency
from tests.integration.audit.helpers import WITNESS, append, new_application
from tests.integration.audit.test_ledger_trust_attack import rewrite_after
from tests.support.ledger_data import delivered, envelope, some_events


async def test_a_consistency_proof_between_any_two_sizes_verifies(audit_pool):
    audit = new_application(audit_pool)
    await append(audit_pool, some_events(11))

    found = await audit.consistency_proof_between(3, 11)

    old_root = await proofs.root_at(audit_pool, 3)
    proof = [bytes.fromhex(h) for h in found["proof"]]
    assert verify_consistency(3, 11, old_root, bytes.fromhex(found["to_root"]), proof)


async def test_a_size_beyond_the_tree_is_refused_naming_it(audit_pool):
    audit = new_application(audit_pool)
    await append(audit_pool, some_events(4))

    with pytest.raises(InvalidRequest, match=r"to_size .* not 9"):
        await audit.consistency_proof_between(2, 9)


async def case_bundle_proving(audit, case_id, trusted, checkpoint_id=None) -> dict:
    """As `cli export --case ID --trusted-checkpoint FILE [--checkpoint N]` assembles it."""
    bundle = await bundles.case_bundle(audit.pool, case_id, checkpoint_id, None)
    first = min((c for c in bundle["checkpoints"] if c["tree_size"] >= trusted["tree_size"]),
                key=lambda c: c["tree_size"])  # fmt: skip
    found = await audit.consistency_proof_between(trusted["tree_size"], first["tree_size"])
    bundle["trusted_consistency"] = {"from_size": trusted["tree_size"], "to": first["id"],
                                     "proof": found["proof"]}  # fmt: skip
    return bundle


async def test_a_case_bundle_proves_it_extends_the_auditors_checkpoint(audit_pool):
    audit = new_application(audit_pool)
    case = envelope()
    await append(audit_pool, [*some_events(4), *delivered([case]), *some_events(3)])
    kept = (await audit.checkpointer.issue()).as_json()
    await append(audit_pool, some_events(5))
    await audit.checkpointer.issue()

    newest = await checkpoints.latest(audit_pool)  # the forged one: no witness vouched
    bundle = await case_bundle_proving(audit, case.case_id, kept, newest.id)
    report = verify_bundle(bundle, audit.signer.public_key, trusted=kept, witness=WITNESS)

    assert report.valid, describe(report)


async def test_a_case_bundle_from_a_rewritten_ledger_fails_against_the_kept_checkpoint(audit_pool):
    audit = new_application(audit_pool)
    await append(audit_pool, some_events(5))
    await audit.checkpointer.issue()
    await append(audit_pool, some_events(5))
    kept = (await audit.checkpointer.issue()).as_json()
    await rewrite_after(audit_pool, 5, forged=0)
    case = envelope()
    await append(audit_pool, [*some_events(5), *delivered([case])])
    with pytest.raises(SigningRefused):
        await audit.checkpointer.issue()
    async with audit_pool.acquire() as conn:  # a person is misled into resuming
        await trust.resolve(conn, "someone", "misled")
    with pytest.raises(SigningRefused, match="the witness refuses"):  # signed, not cosigned
        await audit.checkpointer.issue()

    newest = await checkpoints.latest(audit_pool)  # the forged one: no witness vouched
    bundle = await case_bundle_proving(audit, case.case_id, kept, newest.id)
    report = verify_bundle(bundle, audit.signer.public_key, trusted=kept, witness=WITNESS)

    assert not report.valid
    assert any(f"not an extension of your trusted checkpoint #{kept['id']}" in f.reason
               for f in report.findings), describe(report)  # fmt: skip
