"""A course held before the site went live, entered afterwards by the site manager: planned
with its first session in the past, recorded as back-dated with its reason, and then held
under the ordinary rules on the real clock. The ordinary plan still refuses the past."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.audit.folds import rebuild
from services.scheduling import SERVICE, errors
from shared.envelope import Envelope
from tests.unit.scheduling.factories import META, by_number, calendar, ids, opened_course

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # the real clock when the site manager enters it
MANAGER = {**META, "actor": {"id": "site_manager.north", "role": "site_manager"}}


def backdate(course, first_date: date, reason: str = "held_before_go_live", now=NOW) -> None:
    course.plan_backdated(reason=reason, first_date=first_date, local_time="10:00",
                          mode="video", room_id=None, sessions=16, calendar=calendar(),
                          now=now, new_ids=ids(), meta=MANAGER)  # fmt: skip


def test_a_course_that_began_months_ago_is_booked_from_its_first_date_and_can_be_attended():
    course = opened_course()
    backdate(course, date(2026, 3, 2))
    sessions = by_number(course)
    assert len(sessions) == 16 and sessions[1].starts_at.date() == date(2026, 3, 2)
    for document in ("therapy_contract", "confidentiality_agreement"):
        course.note_consent(consent_id=uuid4(), document=document, withdrawn=False,
                            meta=META)  # fmt: skip
    held = [s for s in sessions.values() if s.starts_at < NOW]
    for s in held:  # the real clock: every one of them has started
        course.record_attendance(session_id=s.session_id, code="5", now=NOW, meta=META)
    assert course.tally()["attended"] == len(held) > 10
    future = [s for s in by_number(course).values() if s.starts_at > NOW]
    with pytest.raises(errors.SessionNotStarted):  # the ordinary rule still holds
        course.record_attendance(session_id=future[0].session_id, code="5", now=NOW, meta=META)


def test_the_back_dating_comes_before_the_plan_and_names_who_and_why_in_the_replay():
    course = opened_course()
    backdate(course, date(2026, 1, 12))
    envelopes = [Envelope.of(SERVICE, e).model_dump(mode="json") for e in course.collect_events()]
    types = [e["type"] for e in envelopes]
    assert types[1:3] == ["scheduling.CoursePlanBackdated", "scheduling.CoursePlanned"]
    backdated = rebuild(envelopes).state["course"]["backdated"]
    assert backdated["by"] == "site_manager.north"
    assert backdated["reason"] == "held_before_go_live"
    assert backdated["first_date"] == "2026-01-12"


@pytest.mark.parametrize(
    ("first_date", "reason", "field"),
    [
        (date(2026, 6, 8), "held_before_go_live", "first_date"),  # the future: plan as usual
        (date(2024, 1, 8), "held_before_go_live", "first_date"),  # more than two years ago
        (date(2026, 1, 12), "forgot to plan it", "reason"),
    ],
)
def test_a_back_dating_out_of_its_narrow_case_is_refused_naming_the_field(
    first_date, reason, field
):
    course = opened_course()
    with pytest.raises(errors.InvalidInput) as refused:
        backdate(course, first_date, reason)
    assert refused.value.field == field
    assert course.status == "awaiting_plan" and not course.collect_events()[1:]


def test_the_ordinary_plan_still_refuses_a_first_session_in_the_past():
    course = opened_course()
    with pytest.raises(errors.InvalidInput, match="must be in the future"):
        course.plan(first_date=date(2026, 1, 12), local_time="10:00", mode="video",
                    room_id=None, sessions=16, calendar=calendar(), now=NOW, new_ids=ids(),
                    meta=META)  # fmt: skip


def test_a_plan_after_a_back_dated_one_is_refused_as_already_planned():
    course = opened_course()
    backdate(course, date(2026, 1, 12))
    with pytest.raises(errors.CourseAlreadyPlanned):
        backdate(course, date(2026, 2, 2), now=NOW + timedelta(days=1))
