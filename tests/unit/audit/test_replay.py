"""Replaying a case: the intake folds rebuild the state, unknown types are listed, proofs are
checked against the checkpoint, and `as_of` stops the clock."""

import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit import folds
from services.audit.merkle import MemoryNodeStore, inclusion_proof
from services.audit.replay import Entry, replay
from services.audit.timeline import render
from tests.support.ledger_data import T0, envelope, intake_story, signed_checkpoint

KEY = Ed25519PrivateKey.generate()


def proven_entries(envelopes: list) -> tuple[list[Entry], dict]:
    texts = [e.canonical_json().decode() for e in envelopes]
    tree = MemoryNodeStore.from_leaves(t.encode() for t in texts)
    checkpoint = signed_checkpoint(KEY, tree, len(texts), 1)
    entries = [
        Entry(i, t, inclusion_proof(i, len(texts), tree.get_node)) for i, t in enumerate(texts)
    ]
    return entries, checkpoint


def test_intake_story_replays_to_a_discharged_case_with_every_version_kept():
    case_id = uuid.uuid4()
    entries, checkpoint = proven_entries(intake_story(case_id))

    history = replay(str(case_id), entries, checkpoint)

    state = history["state"]
    assert (state["status"], state["episode_status"], state["version"]) == (
        "discharged",
        "finished",
        10,
    )
    assert state["therapist_id"] == "t1" and state["ending"] == {"code": "46", "on": "2025-07-02"}
    assert [v["revision"] for v in state["ipaf"]] == [1, 2]
    assert [(c["consent_id"], c["document"]) for c in state["consents"]] == [
        ("c1", "therapy_contract")
    ]
    assert [h["status"] for h in state["episode_history"]] == [
        "planned",
        "waitlist",
        "active",
        "finished",
    ]
    assert history["all_proven"] and len(history["events"]) == 10


def test_event_type_without_a_fold_is_listed_and_the_rest_still_replays():
    case_id = uuid.uuid4()
    entries, checkpoint = proven_entries(intake_story(case_id))

    history = replay(str(case_id), entries, checkpoint)

    assert history["unknown_types"] == {"reports.CaseExported": 1}
    viewed = next(e for e in history["events"] if e["type"] == "reports.CaseExported")
    assert viewed["folded"] is False and viewed["actor"] == {"id": "t1", "role": "therapist"}


def test_as_of_a_moment_shows_the_case_as_it_stood_then():
    case_id = uuid.uuid4()
    entries, checkpoint = proven_entries(intake_story(case_id))

    history = replay(str(case_id), entries, checkpoint, as_of=T0 + timedelta(minutes=4))

    assert history["state"]["status"] == "active" and history["state"]["version"] == 4
    assert len(history["events"]) == 4


def test_event_whose_content_changed_is_marked_not_proven():
    case_id = uuid.uuid4()
    entries, checkpoint = proven_entries(intake_story(case_id))
    entries[3] = entries[3]._replace(envelope=entries[3].envelope.replace('"t1"', '"t9"'))

    history = replay(str(case_id), entries, checkpoint)

    assert not history["all_proven"]
    assert [e["leaf_index"] for e in history["events"] if not e["proven"]] == [3]
    assert "NOT PROVEN against the checkpoint: leaf 3" in render(history)


def test_failing_fold_is_reported_and_does_not_stop_the_replay():
    case_id = uuid.uuid4()
    story = intake_story(case_id)
    unpaused = envelope("intake.PauseEnded", case_id=case_id, version=2, data={"resumed_on": "x"})
    entries, checkpoint = proven_entries([story[0], unpaused, story[1]])

    history = replay(str(case_id), entries, checkpoint)

    assert [e["type"] for e in history["fold_errors"]] == ["intake.PauseEnded"]
    assert history["state"]["status"] == "assessment_booked"


def test_timeline_shows_each_event_with_actor_and_proof_then_the_state():
    case_id = uuid.uuid4()
    entries, checkpoint = proven_entries(intake_story(case_id))

    text = render(replay(str(case_id), entries, checkpoint))

    assert "10 events, each proven against the checkpoint" in text
    assert "intake.CaseDischarged" in text and "t1 (therapist)" in text
    assert "  status: discharged" in text
    assert "Listed but not folded (no fold for the type yet): reports.CaseExported x1" in text


def test_every_intake_event_type_has_a_fold_and_a_type_cannot_have_two():
    from shared.contracts import all_contracts

    intake_types = {t for t in all_contracts() if t.startswith("intake.")}
    assert intake_types <= folds.known_types()
    with pytest.raises(ValueError):
        folds.folds("intake.ReferralReceived")(lambda state, event: None)
