"""Signed checkpoints, proofs and case replays served from the real database."""

import base64
import uuid

import pytest

from services.audit.errors import NoCheckpointYet, NotYetCheckpointed
from services.audit.verifier import checkpoint_body, describe, verify_bundle
from services.audit.verifier import verify_checkpoint_signature as signature_ok
from tests.integration.audit.helpers import WITNESS, append, new_application
from tests.support.ledger_data import delivered, intake_story, some_events


@pytest.fixture
async def audit(audit_pool):
    return new_application(audit_pool)


async def test_checkpoint_is_signed_by_the_served_public_key(audit, audit_pool):
    await append(audit_pool, some_events(7))

    checkpoint = await audit.issue_checkpoint()

    public = base64.b64decode(audit.public_key()["public_key"])
    body = checkpoint_body(7, bytes.fromhex(checkpoint["root_hash"]), checkpoint["issued_at"])
    assert signature_ok(public, body, base64.b64decode(checkpoint["signature"]))
    assert await audit.checkpoint(None) == checkpoint


async def test_periodic_checkpoint_is_issued_only_when_the_tree_grew(audit, audit_pool):
    await append(audit_pool, some_events(2))
    assert await audit.checkpointer.issue(only_if_grown=True) is not None
    assert await audit.checkpointer.issue(only_if_grown=True) is None
    await append(audit_pool, some_events(1))
    assert (await audit.checkpointer.issue(only_if_grown=True)).tree_size == 3
    assert [c["tree_size"] for c in await audit.checkpoints(0, 10)] == [2, 3]


async def test_later_checkpoint_is_proven_consistent_with_an_earlier_one(audit, audit_pool):
    await append(audit_pool, some_events(5))
    first = await audit.issue_checkpoint()
    await append(audit_pool, some_events(9))
    await audit.issue_checkpoint()

    answer = await audit.consistency_proof(first["id"], None)

    assert answer["verified"] and (answer["from"]["tree_size"], answer["to"]["tree_size"]) == (
        5,
        14,
    )


async def test_inclusion_proof_by_event_id_or_index_against_any_checkpoint(audit, audit_pool):
    events = some_events(10)
    await append(audit_pool, events[:6])
    early = await audit.issue_checkpoint()
    await append(audit_pool, events[6:])
    await audit.issue_checkpoint()

    by_id = await audit.inclusion_proof(events[4].envelope.event_id, None, early["id"])
    by_index = await audit.inclusion_proof(None, 4, None)

    assert by_id["verified"] and by_id["checkpoint"]["tree_size"] == 6
    assert by_index["verified"] and by_index["checkpoint"]["tree_size"] == 10
    with pytest.raises(NotYetCheckpointed):
        await audit.inclusion_proof(events[8].envelope.event_id, None, early["id"])


async def test_proofs_before_any_checkpoint_say_so(audit, audit_pool):
    await append(audit_pool, some_events(1))
    with pytest.raises(NoCheckpointYet):
        await audit.inclusion_proof(None, 0, None)


async def test_case_replays_from_the_database_now_and_as_of_an_earlier_checkpoint(
    audit, audit_pool
):
    case_id = uuid.uuid4()
    story = delivered(intake_story(case_id))
    await append(audit_pool, some_events(3) + story[:4])
    early = await audit.issue_checkpoint()
    await append(audit_pool, some_events(2) + story[4:])
    await audit.issue_checkpoint()

    now = await audit.case_history(case_id, None, None)
    then = await audit.case_history(case_id, early["id"], None)

    assert now["all_proven"] and now["state"]["status"] == "discharged"
    assert then["all_proven"] and then["state"]["status"] == "active"
    assert len(then["events"]) == 4


async def test_case_bundle_verifies_offline_and_links_its_checkpoint_to_the_latest(
    audit, audit_pool
):
    case_id = uuid.uuid4()
    story = delivered(intake_story(case_id))
    await append(audit_pool, story[:5] + some_events(4))
    early = await audit.issue_checkpoint()
    await append(audit_pool, story[5:] + some_events(4))
    await audit.issue_checkpoint()
    public = base64.b64decode(audit.public_key()["public_key"])

    bundle = await audit.case_bundle(case_id, early["id"], None)

    report = verify_bundle(bundle, public, witness=WITNESS)
    assert report.valid, describe(report)
    assert [c["tree_size"] for c in bundle["checkpoints"]] == [9, 18]
    assert len(bundle["entries"]) == 5
