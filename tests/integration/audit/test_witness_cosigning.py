"""The checkpointer has each checkpoint cosigned by the witness (its real protocol and checks,
served in-process over the test's schema): a witness that cannot be reached only delays the
cosignature; a witness that is past a checkpoint because another instance had a later one
cosigned is no alarm; a witness that has seen more than the ledger now holds is."""

import httpx
import pytest

from services.audit import checkpoints, trust, witnessing
from services.audit.errors import LedgerCorrupted
from services.audit.verifier import cosigned_at
from tests.integration.audit.helpers import (
    WITNESS,
    append,
    as_maintenance,
    new_checkpointer,
    witness_over_http,
)
from tests.support.ledger_data import some_events


async def test_each_checkpoint_is_cosigned_and_served_with_its_cosignature(audit_pool):
    await append(audit_pool, some_events(4))

    issued = await new_checkpointer(audit_pool).issue()

    assert issued is not None and cosigned_at(issued.signed_note() or "", WITNESS) is not None
    assert (await checkpoints.latest_cosigned(audit_pool)).id == issued.id


async def test_an_unreachable_witness_delays_the_cosignature_to_the_next_round(audit_pool):
    checkpointer = new_checkpointer(audit_pool)
    reachable = checkpointer.witness
    checkpointer.witness = witnessing.HttpWitness("http://127.0.0.1:9", WITNESS,
                                                  httpx.AsyncClient(timeout=2))  # fmt: skip
    await append(audit_pool, some_events(3))

    issued = await checkpointer.issue()

    assert issued is not None and not issued.cosignatures
    assert checkpointer.health()["state"] == "witness_unavailable"
    assert await trust.open_alarm(audit_pool) is None
    checkpointer.witness = reachable
    await checkpointer.issue(only_if_grown=True)  # nothing new to sign; the cosignature comes
    assert (await checkpoints.latest(audit_pool)).cosignatures
    assert checkpointer.health()["state"] == "signing"


async def test_a_witness_past_a_checkpoint_another_instance_had_cosigned_is_no_alarm(audit_pool):
    first, second = new_checkpointer(audit_pool), new_checkpointer(audit_pool)
    second.witness = first.witness  # one witness, two instances of the ledger
    await append(audit_pool, some_events(5))
    older = await first.issue()
    await append(audit_pool, some_events(3))
    await second.issue()
    assert older is not None

    line = await witnessing.cosign(audit_pool, witness_over_http(audit_pool), older.id,
                                   older.tree_size, older.signed_note() or "")  # fmt: skip

    assert line is None


async def test_a_witness_that_saw_more_than_the_ledger_holds_is_an_alarm(audit_pool):
    checkpointer = new_checkpointer(audit_pool)
    await append(audit_pool, some_events(5))
    kept = await checkpointer.issue()
    await append(audit_pool, some_events(3))
    await checkpointer.issue()
    assert kept is not None
    await as_maintenance(audit_pool, f"DELETE FROM ledger_checkpoints WHERE id > {kept.id};"
                         " DELETE FROM ledger_cosignatures")  # fmt: skip

    with pytest.raises(LedgerCorrupted, match="none later has as many"):
        await witnessing.cosign(audit_pool, checkpointer.witness, kept.id, kept.tree_size,
                                kept.signed_note() or "")  # fmt: skip
