"""Scheduling's completed course on the intake case: recorded once, the case left active for
its ending, refused on a discharged case, and no discharge dated before it."""

from datetime import date
from uuid import uuid4

import pytest

from services.intake import errors
from tests.unit.intake.factories import DISCHARGED_ON, case_at, meta

COMPLETED_ON = date(2026, 5, 4)


def test_a_completed_course_is_recorded_once_and_the_case_waits_for_its_ending():
    case, course_id = case_at("treated"), uuid4()
    case.collect_events()
    completion = dict(course_id=course_id, completed_on=COMPLETED_ON, sessions_attended=16)
    assert case.record_course_completed(**completion, meta=meta())
    assert not case.record_course_completed(**completion, meta=meta())  # scheduling's again
    events = case.collect_events()
    assert [type(e).__name__ for e in events] == ["TreatmentCourseCompleted"]
    assert case.course_completed == {**completion}
    assert case.status == "active" and case.episode_status == "active"


def test_a_discharge_may_not_be_dated_before_the_completed_course():
    case = case_at("treated")
    case.record_course_completed(
        course_id=uuid4(), completed_on=COMPLETED_ON, sessions_attended=16, meta=meta()
    )
    with pytest.raises(errors.InvalidInput) as refused:
        case.discharge(ending_code="46", discharged_on=date(2026, 5, 1), meta=meta())
    assert refused.value.field == "discharged_on"
    case.discharge(ending_code="46", discharged_on=COMPLETED_ON, meta=meta())


def test_a_completed_course_is_not_recorded_on_a_discharged_case():
    case = case_at("discharged")
    with pytest.raises(errors.CaseIsDischarged):
        case.record_course_completed(
            course_id=uuid4(), completed_on=DISCHARGED_ON, sessions_attended=3, meta=meta()
        )


def test_a_completion_before_the_allocation_is_refused():
    case = case_at("active")
    with pytest.raises(errors.InvalidInput) as refused:
        case.record_course_completed(
            course_id=uuid4(), completed_on=date(2026, 1, 1), sessions_attended=2, meta=meta()
        )
    assert refused.value.field == "completed_on"
