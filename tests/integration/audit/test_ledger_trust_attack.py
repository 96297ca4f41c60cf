"""Issue 8's attack, against the real database, by someone who can write to it but has no
signing key: delete the newest checkpoints, rewrite the entries and nodes after the last one
left, and wait for the checkpointer. It refuses and raises the alarm (health, metric, an
open alarm that survives a restart); and an auditor who kept an earlier checkpoint finds the
rewrite with the offline verifier even if a person wrongly lets signing go on; and the witness
refuses to cosign the forged tree, so a verifier that requires its cosignature fails too."""

import asyncio
import json
import os
import subprocess
import sys

import pytest
from prometheus_client import REGISTRY

from services.audit import checkpoints, trust, verifier
from services.audit.checkpoints import Checkpointer
from services.audit.errors import SigningRefused
from tests.integration.audit.helpers import (
    WITNESS,
    append,
    as_maintenance,
    export_ledger,
    new_checkpointer,
)
from tests.support.ledger_data import some_events

KEPT, SEEN = 10, 20  # tree sizes of the checkpoint left standing, and of the one deleted
REASON = "restored from backup, checked"


async def until(condition, within: float = 10.0) -> None:
    for _ in range(int(within / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not so within {within} s")


async def signed_at(pool, size: int) -> checkpoints.Checkpoint:
    async def covered() -> bool:
        latest = await checkpoints.latest_or_none(pool)
        return latest is not None and latest.tree_size == size

    await until(covered)
    return await checkpoints.latest(pool)


async def rewrite_after(pool, size: int, forged: int) -> None:
    """The attack: the checkpoints above `size` leaves go, and so do the entries and nodes
    after it; `forged` other events take their place, hashed into the tree properly."""
    await as_maintenance(
        pool,
        f"""DELETE FROM ledger_checkpoints WHERE tree_size > {size};
        DELETE FROM ledger_entries WHERE leaf_index >= {size};
        DELETE FROM ledger_nodes WHERE (index + 1) << level > {size};""",
    )
    await append(pool, some_events(forged))


@pytest.fixture
async def attacked(audit_pool):
    """A running checkpointer that signed at 10 and 20 leaves; then the attack, which it
    refuses; the checkpoint of 20 leaves as the auditor kept it. The checkpointer is stopped
    then, so a test's own issue() is the one that acts once a person resumes signing (the
    running one got there first now and then, and the test's issue() had nothing to sign)."""
    checkpointer = new_checkpointer(audit_pool)
    task = asyncio.create_task(checkpointer.run(interval=0.05))
    try:
        await append(audit_pool, some_events(KEPT))
        await signed_at(audit_pool, KEPT)
        await append(audit_pool, some_events(SEEN - KEPT))
        seen = await signed_at(audit_pool, SEEN)

        await rewrite_after(audit_pool, KEPT, forged=SEEN - KEPT + 2)
        await until(lambda: _refused(checkpointer), within=3)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    yield audit_pool, checkpointer, seen


async def _refused(checkpointer: Checkpointer) -> bool:
    return checkpointer.health()["state"] == "refused"


async def test_the_checkpointer_refuses_to_sign_a_tree_rewritten_under_it(attacked):
    pool, checkpointer, seen = attacked

    health = checkpointer.health()
    assert health["ok"] is False
    assert f"checkpoint #{seen.id} (tree size {SEEN}) was signed" in health["error"]
    assert (await checkpoints.latest(pool)).tree_size == KEPT  # nothing forged was signed
    assert REGISTRY.get_sample_value("rapport_audit_checkpointer_refusing") == 1
    alarms = await pool.fetch("SELECT error, resolved_at FROM checkpointer_alarms")
    assert [a["resolved_at"] for a in alarms] == [None]
    with pytest.raises(SigningRefused, match="alarm #"):
        await checkpointer.issue()  # as POST /checkpoints would


async def test_a_restarted_checkpointer_still_refuses_until_a_person_resumes(attacked):
    pool, checkpointer, _ = attacked
    restarted = Checkpointer(pool, checkpointer.signer)  # remembers nothing it signed

    with pytest.raises(SigningRefused):
        await restarted.issue()
    assert restarted.health()["state"] == "refused"

    await _resume_signing(pool, by="duty-officer", reason=REASON)
    issued = await restarted.issue()

    assert issued is not None and issued.tree_size == SEEN + 2
    record = await pool.fetchrow("SELECT resolved_by, reason FROM checkpointer_alarms")
    assert dict(record) == {"resolved_by": "duty-officer", "reason": REASON}
    assert restarted.health()["state"] == "signing"


async def test_the_witness_refuses_to_cosign_the_forged_tree_a_person_let_through(attacked):
    pool, _, _ = attacked
    await _resume_signing(pool, by="someone", reason="misled")

    with pytest.raises(SigningRefused, match="the witness refuses checkpoint #"):
        await new_checkpointer(pool).issue()

    forged = await checkpoints.latest(pool)
    assert forged.tree_size == SEEN + 2 and not forged.cosignatures
    assert await trust.open_alarm(pool) is not None


async def test_an_auditor_holding_an_earlier_checkpoint_detects_the_rewrite(attacked, tmp_path):
    pool, checkpointer, seen = attacked
    await _resume_signing(pool, by="someone", reason="misled")  # the forged tree gets signed
    forged = await Checkpointer(pool, checkpointer.signer).issue()  # with no witness
    assert forged is not None and not forged.cosignatures  # not the deleted one's, same id
    assert (await export_ledger(pool))["checkpoints"][-1]["tree_size"] == KEPT  # the vouched
    bundle = await export_ledger(pool, forged.id)  # the auditor asks for the newest
    public_key = checkpointer.signer.public_key

    alone = verifier.verify_bundle(bundle, public_key, witness=WITNESS)
    report = verifier.verify_bundle(bundle, public_key, trusted=seen.as_json(), witness=WITNESS)

    assert "no valid cosignature by the witness" in verifier.describe(alone)  # not vouched for
    first_bad = next(c for c in bundle["checkpoints"] if c["tree_size"] >= SEEN)
    assert any(
        f.subject.startswith(f"checkpoint #{first_bad['id']} ")
        and f"not an extension of your trusted checkpoint #{seen.id}" in f.reason
        for f in report.findings
    ), verifier.describe(report)
    (tmp_path / "ledger.json").write_text(json.dumps(bundle))
    (tmp_path / "kept.json").write_text(json.dumps(seen.as_json()))
    key = verifier.base64.b64encode(public_key).decode()
    args = [str(tmp_path / "ledger.json"), "--public-key", key, "--witness-key", WITNESS.vkey()]
    assert verifier.main(args) == 1
    assert verifier.main([*args, "--trusted-checkpoint", str(tmp_path / "kept.json")]) == 1


async def _resume_signing(pool, by: str, reason: str) -> None:
    """The documented command, as a person runs it, against this test's schema."""
    schema = await pool.fetchval("SELECT current_schema()")
    url = os.environ["AUDIT_DATABASE_URL"]
    url += f"{'&' if '?' in url else '?'}search_path={schema}"
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.audit.cli", "resume-signing", "--by", by,
         "--reason", reason, "--database-url", url],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "resolved alarms #" in done.stderr
