"""Every command of a case in every stage: allowed ones record events, refused ones raise
the named domain error, name the stage the case is in, and record nothing."""

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from services.intake import errors
from services.intake.domain import Case
from tests.unit.intake.factories import IPAF, LATER, case_at, meta, signed

STAGES = ["referred", "assessment_booked", "waiting", "active", "discharged"]
BEFORE_ACTIVE = {"referred", "assessment_booked", "waiting"}

COMMANDS: dict[str, Callable[[Case], object]] = {
    "book an assessment": lambda case: case.book_assessment(
        appointment_id=uuid4(),
        scheduled_for=datetime(2026, 2, 2, 9, tzinfo=UTC),
        assessor_id="assessor-2",
        meta=meta(),
    ),
    "record an assessment outcome": lambda case: case.record_assessment_outcome(
        suitable=True, ending_code=None, reason="suits DIT", assessed_on=LATER, meta=meta()
    ),
    "pause the waiting clock": lambda case: case.pause(
        paused_from=LATER, reason="client away", meta=meta()
    ),
    "allocate a therapist": lambda case: case.allocate(
        therapist_id="therapist-2", allocated_on=LATER, meta=meta()
    ),
    "reallocate the case": lambda case: case.reallocate(
        therapist_id="therapist-2", reallocated_on=LATER, reason="leave", meta=meta()
    ),
    "record the first attended treatment session": lambda case: (
        case.record_first_treatment_attended(
            attended_on=LATER, appointment_id=None, appointment_type="02", meta=meta()
        )
    ),
    "record a consent": lambda case: case.record_consent(
        consent_id=uuid4(), signed=signed(), meta=meta()
    ),
    "record the IPAF": lambda case: case.record_ipaf(parts=IPAF, agreed_on=LATER, meta=meta()),
    "discharge the case": lambda case: case.discharge(
        ending_code="14", discharged_on=LATER, meta=meta()
    ),
}

ALLOWED = {
    "book an assessment": {"referred", "assessment_booked"},
    "record an assessment outcome": {"assessment_booked"},
    "pause the waiting clock": {"referred", "assessment_booked", "waiting", "active"},
    "allocate a therapist": {"waiting"},
    "reallocate the case": {"active"},
    "record the first attended treatment session": {"active"},
    "record a consent": {"active"},
    "record the IPAF": {"active"},
    "discharge the case": {"referred", "assessment_booked", "waiting", "active"},
}


def expected_refusal(action: str, stage: str) -> type[errors.NotAllowed]:
    if stage == "discharged":
        return errors.CaseIsDischarged
    if action in {"book an assessment", "record an assessment outcome"}:
        if stage == "referred":
            return errors.AssessmentNotBooked
        return errors.AssessmentAlreadyRecorded
    if action == "allocate a therapist":
        return errors.CaseAlreadyAllocated if stage == "active" else errors.NotOnWaitingList
    assert stage in BEFORE_ACTIVE
    return errors.CaseNotAllocated


CASES = [(action, stage) for action in COMMANDS for stage in STAGES]


@pytest.mark.parametrize(("action", "stage"), CASES, ids=[f"{a} when {s}" for a, s in CASES])
def test_each_command_is_allowed_in_its_stages_and_refused_by_name_in_the_others(action, stage):
    case = case_at(stage)
    version = case.version

    if stage in ALLOWED[action]:
        COMMANDS[action](case)
        assert case.version > version
        return
    with pytest.raises(expected_refusal(action, stage)) as refused:
        COMMANDS[action](case)

    assert f"the case is {stage}" in str(refused.value)
    assert str(refused.value).startswith(f"Cannot {action}")
    assert case.version == version


def test_allocating_a_discharged_case_is_refused():
    with pytest.raises(errors.CaseIsDischarged, match="the case is discharged"):
        case_at("discharged").allocate(therapist_id="t-9", allocated_on=LATER, meta=meta())


def test_recording_a_session_consent_before_allocation_is_refused():
    with pytest.raises(errors.CaseNotAllocated, match="the case is waiting"):
        case_at("waiting").record_consent(consent_id=uuid4(), signed=signed(), meta=meta())


def test_discharging_twice_is_refused():
    case = case_at("discharged")
    with pytest.raises(errors.CaseIsDischarged, match="the case is discharged"):
        case.discharge(ending_code="46", discharged_on=LATER, meta=meta())


def test_every_refusal_is_a_named_subclass_of_the_intake_error_family():
    refusals = {expected_refusal(a, s) for a, s in CASES if s not in ALLOWED[a]}
    assert all(issubclass(r, errors.NotAllowed) and r is not errors.NotAllowed for r in refusals)
    assert issubclass(errors.NotAllowed, errors.IntakeError)
