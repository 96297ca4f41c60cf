"""The audit replay of a case shows its forms' scores, its risk flags and their
acknowledgement, its risk assessments and outcome, from the forms events alone."""

import json

from services.audit import folds
from shared.envelope import Envelope
from tests.unit.forms.test_forms_contracts import produced_events


def replayed() -> folds.Rebuilt:
    envelopes = [Envelope.of("forms", event) for event in produced_events()]
    return folds.rebuild(json.loads(e.kafka_value()) for e in envelopes)


def test_every_forms_event_type_has_a_fold_and_none_fails() -> None:
    rebuilt = replayed()
    assert rebuilt.unknown_types == {} and rebuilt.fold_errors == []


def test_the_replay_shows_scores_flags_and_their_acknowledgement() -> None:
    state = replayed().state
    completed = [f for f in state["forms"].values() if f["status"] == "completed"]
    assert completed[0]["bands"]["phq9"] == "none" and completed[0]["risk_level"] == "high"
    [flag] = state["risk_flags"].values()
    assert flag["status"] == "inactive" and flag["acknowledgement"]["action"] == "contacted_client"
    assert len(flag["acknowledgement"]["note_sha256"]) == 64


def test_the_replay_shows_the_risk_assessment_and_the_outcome_with_digests_only() -> None:
    state = replayed().state
    assert state["risk_assessments"][0]["level"] == "high"
    assert "plan" not in state["risk_assessments"][0]
    assert state["outcome"]["reliable_recovery"] is True
