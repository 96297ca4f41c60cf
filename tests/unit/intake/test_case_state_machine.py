"""Every stage-guarded command of a case in every stage: allowed ones leave the case in the
state the command means, refused ones raise the named domain error, name the stage the case
is in, and record nothing."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from services.intake import errors
from services.intake.domain import Case
from tests.unit.intake.factories import IPAF, LATER, REASON_DIGEST, case_at, meta, signed

STAGES = ["referred", "assessment_booked", "waiting", "active", "discharged"]
OPEN = set(STAGES) - {"discharged"}
BEFORE_ACTIVE = {"referred", "assessment_booked", "waiting"}
CONSENT = UUID(int=7)


def pause(case: Case) -> None:
    case.pause(paused_from=LATER, reason="client away", reason_digest=REASON_DIGEST, meta=meta())


def consent(case: Case) -> None:
    case.record_consent(consent_id=CONSENT, signed=signed(), meta=meta())


def first_session(case: Case) -> None:
    case.record_first_treatment_attended(
        attended_on=LATER, appointment_id=None, appointment_type="02", meta=meta()
    )


@dataclass
class Command:
    allowed: set[str]
    run: Callable[[Case], object]
    then: Callable[[Case], bool]  # the state an allowed command leaves the case in
    needs: Callable[[Case], None] | None = None  # made true first, where the stage lets it


COMMANDS: dict[str, Command] = {
    "book an assessment": Command(
        {"referred", "assessment_booked"},
        lambda c: c.book_assessment(appointment_id=uuid4(), assessor_id="assessor-2",
                                    scheduled_for=datetime(2026, 2, 2, 9, tzinfo=UTC), meta=meta()),
        lambda c: c.status == "assessment_booked" and c.assessment["assessor_id"] == "assessor-2",
    ),
    "record an assessment outcome": Command(
        {"assessment_booked"},
        lambda c: c.record_assessment_outcome(suitable=True, ending_code=None, reason="suits DIT",
                                              assessed_on=LATER, meta=meta()),
        lambda c: c.status == "waiting" and c.episode_status == "waitlist",
    ),
    "pause the waiting clock": Command(
        OPEN,
        pause,
        lambda c: c.open_pause is not None and c.episode_status == "onhold",
    ),
    "resume the waiting clock": Command(
        OPEN,
        lambda c: c.resume(resumed_on=LATER + timedelta(days=7), meta=meta()),
        lambda c: c.open_pause is None and c.paused_days == 7 and c.episode_status != "onhold",
        needs=lambda c: pause(c) if c.status in OPEN else None,
    ),
    "allocate a therapist": Command(
        {"waiting"},
        lambda c: c.allocate(therapist_id="therapist-2", allocated_on=LATER, meta=meta()),
        lambda c: c.status == "active" and c.therapist_id == "therapist-2",
    ),
    "reallocate the case": Command(
        {"active"},
        lambda c: c.reallocate(therapist_id="therapist-2", reallocated_on=LATER, reason="leave",
                               reason_digest=REASON_DIGEST, meta=meta()),
        lambda c: c.therapist_id == "therapist-2" and len(c.allocations) == 2,
    ),
    "record the first attended treatment session": Command(
        {"active"}, first_session, lambda c: c.first_treatment_on == LATER
    ),
    "record a consent": Command(
        {"active"}, consent, lambda c: c.consents[CONSENT].withdrawn_on is None
    ),
    "withdraw a consent": Command(
        {"active"},
        lambda c: c.withdraw_consent(consent_id=CONSENT, withdrawn_on=LATER, reason="changed mind",
                                     reason_digest=REASON_DIGEST, meta=meta()),
        lambda c: c.consents[CONSENT].withdrawn_on == LATER,
        needs=lambda c: consent(c) if c.status == "active" else None,
    ),
    "record the IPAF": Command(
        {"active"},
        lambda c: c.record_ipaf(parts=IPAF, agreed_on=LATER, meta=meta()),
        lambda c: [r["revision"] for r in c.ipaf] == [1],
    ),
    "write the goodbye letter": Command(
        {"active"},
        lambda c: c.write_goodbye_letter(text="Dear client", letter_date=LATER, meta=meta()),
        lambda c: len(c.letters) == 1,
        needs=lambda c: first_session(c) if c.status == "active" else None,
    ),
    "record the completed course": Command(
        {"active"},
        lambda c: c.record_course_completed(course_id=CONSENT, completed_on=LATER,
                                            sessions_attended=2, meta=meta()),
        lambda c: c.course_completed["completed_on"] == LATER and c.status == "active",
    ),
    "discharge the case": Command(
        OPEN,
        lambda c: c.discharge(ending_code="14", discharged_on=LATER, meta=meta()),
        lambda c: c.status == "discharged" and c.ending == {"code": "14", "on": LATER},
    ),
}  # fmt: skip


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
    command, case = COMMANDS[action], case_at(stage)
    if command.needs:
        command.needs(case)
    version = case.version

    if stage in command.allowed:
        command.run(case)
        assert case.version > version
        assert command.then(case), f"{action} left the case {case.state}"
        return
    with pytest.raises(expected_refusal(action, stage)) as refused:
        command.run(case)

    assert f"the case is {stage}" in str(refused.value)
    assert str(refused.value).startswith(f"Cannot {action}")
    assert case.version == version


def test_every_stage_guarded_command_of_the_case_is_in_the_table():
    guarded = {"book_assessment", "record_assessment_outcome", "pause", "resume", "allocate",
               "reallocate", "record_first_treatment_attended", "record_consent",
               "withdraw_consent", "record_ipaf", "write_goodbye_letter", "discharge",
               "record_course_completed"}  # fmt: skip
    ours = [k for k in Case.__mro__ if k.__module__.startswith("services.intake")]
    public = {n for k in ours for n, v in vars(k).items()
              if inspect.isfunction(v) and not n.startswith("_")}  # fmt: skip
    # a query, and a correction allowed in every stage (test_intake_corrections.py)
    assert public - {"days_waited", "correct_client_details"} == guarded
    assert len(COMMANDS) == len(guarded)


def test_every_refusal_is_a_named_subclass_of_the_intake_error_family():
    refusals = {expected_refusal(a, s) for a, s in CASES if s not in COMMANDS[a].allowed}
    assert all(issubclass(r, errors.NotAllowed) and r is not errors.NotAllowed for r in refusals)
    assert issubclass(errors.NotAllowed, errors.IntakeError)
