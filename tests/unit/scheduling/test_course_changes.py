"""Breaks, cancellations, did-not-attends, the consent gate and the course's end."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.scheduling import errors
from tests.unit.scheduling.factories import META, by_number, calendar, planned_course, sign_consents

AFTER_COURSE = datetime(2026, 12, 1, tzinfo=UTC)


def after(session) -> datetime:
    return session.starts_at + timedelta(minutes=5)


def test_a_break_in_the_middle_shifts_the_sessions_and_the_end_keeping_the_count():
    course = planned_course(first_date=date(2026, 1, 12))
    end = by_number(course)[16].day
    moved = course.plan_break(
        break_id=uuid4(),
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 15),
        kind="client_holiday",
        description="family visit",
        calendar=calendar(),
        now=datetime(2026, 2, 1, tzinfo=UTC),
        meta=META,
    )
    sessions = by_number(course)
    assert len(sessions) == 16 and moved == 9
    assert sessions[8].day == date(2026, 3, 16) and sessions[8].history[-1]["why"] == "break"
    assert sessions[16].day == end + timedelta(weeks=2)
    assert sessions[7].day == date(2026, 2, 23)


def test_a_break_that_ends_before_it_starts_is_refused():
    course = planned_course()
    with pytest.raises(errors.InvalidInput) as refused:
        course.plan_break(
            break_id=uuid4(),
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 1),
            kind="therapist_leave",
            description="",
            calendar=calendar(),
            now=datetime(2026, 2, 1, tzinfo=UTC),
            meta=META,
        )
    assert refused.value.field == "ends_on"


def test_a_cancellation_is_rebooked_on_a_free_day_of_the_same_week():
    course = planned_course(first_date=date(2026, 1, 12))
    third = by_number(course)[3]
    course.cancel(
        session_id=third.session_id,
        code="2",
        calendar=calendar(),
        now=datetime(2026, 1, 20, tzinfo=UTC),
        new_id=uuid4(),
        meta=META,
    )
    replacement = by_number(course)[3]
    assert third.status == "cancelled" and third.code == "2"
    assert replacement.day == date(2026, 1, 27) and replacement.replaces == third.session_id
    assert len(course.live_sessions()) == 16


def test_a_cancellation_is_not_rebooked_on_a_day_the_therapists_diary_has_taken():
    course = planned_course(first_date=date(2026, 1, 12))
    third = by_number(course)[3]
    taken_day = datetime(2026, 1, 27, tzinfo=UTC).date()  # the first free day of the course

    def busy(start: datetime, end: datetime) -> bool:  # another course's session that day
        return start.date() == taken_day

    course.cancel(
        session_id=third.session_id,
        code="2",
        calendar=calendar(),
        now=datetime(2026, 1, 20, tzinfo=UTC),
        new_id=uuid4(),
        meta=META,
        busy=busy,
    )
    assert by_number(course)[3].day == date(2026, 1, 28)


def test_a_late_cancellation_with_no_day_left_that_week_moves_the_rest_on_a_week():
    course = planned_course(first_date=date(2026, 1, 16))  # Fridays
    second, last = by_number(course)[2], by_number(course)[16].day
    course.cancel(
        session_id=second.session_id,
        code="4",
        calendar=calendar(),
        now=after(second),
        new_id=uuid4(),
        meta=META,
    )
    sessions = by_number(course)
    assert sessions[2].day == date(2026, 1, 30) and sessions[3].day == date(2026, 2, 6)
    assert sessions[16].day == last + timedelta(weeks=1)


def test_two_did_not_attends_in_a_row_put_the_course_at_risk_until_the_therapist_decides():
    course = planned_course()
    first, second = by_number(course)[1], by_number(course)[2]
    course.record_attendance(session_id=first.session_id, code="3", now=after(first), meta=META)
    assert course.at_risk is None
    course.record_attendance(session_id=second.session_id, code="3", now=after(second), meta=META)
    assert course.at_risk == [1, 2]
    course.decide(decision="continue", meta=META)
    assert course.at_risk is None and course.decisions[-1]["decision"] == "continue"


def test_a_did_not_attend_the_therapist_discounts_is_rebooked():
    course = planned_course()
    first = by_number(course)[1]
    course.record_attendance(session_id=first.session_id, code="3", now=after(first), meta=META)
    new_id = course.rebook(
        session_id=first.session_id,
        calendar=calendar(),
        now=after(first),
        new_id=uuid4(),
        meta=META,
    )
    assert first.status == "discounted" and course.sessions[new_id].number == 1


def test_attendance_before_the_start_or_twice_is_refused():
    course = planned_course()
    first = by_number(course)[1]
    with pytest.raises(errors.SessionNotStarted):
        course.record_attendance(
            session_id=first.session_id,
            code="5",
            now=first.starts_at - timedelta(minutes=1),
            meta=META,
        )
    course.record_attendance(session_id=first.session_id, code="5", now=after(first), meta=META)
    with pytest.raises(errors.AttendanceAlreadyRecorded):
        course.record_attendance(session_id=first.session_id, code="6", now=after(first), meta=META)


def test_an_unknown_attendance_code_is_refused():
    course = planned_course()
    first = by_number(course)[1]
    with pytest.raises(errors.InvalidInput) as refused:
        course.record_attendance(session_id=first.session_id, code="9", now=after(first), meta=META)
    assert refused.value.field == "attendance_code"


def test_session_two_needs_both_consents_and_a_withdrawal_stops_attendance():
    course = planned_course()
    first, second, third = (by_number(course)[n] for n in (1, 2, 3))
    course.record_attendance(session_id=first.session_id, code="5", now=after(first), meta=META)
    with pytest.raises(errors.ConsentMissing) as refused:
        course.record_attendance(
            session_id=second.session_id, code="5", now=after(second), meta=META
        )
    assert "therapy_contract and confidentiality_agreement" in str(refused.value)
    contract = uuid4()
    course.note_consent(
        consent_id=contract, document="therapy_contract", withdrawn=False, meta=META
    )
    course.note_consent(
        consent_id=uuid4(), document="confidentiality_agreement", withdrawn=False, meta=META
    )
    course.record_attendance(session_id=second.session_id, code="5", now=after(second), meta=META)
    course.note_consent(consent_id=contract, document="therapy_contract", withdrawn=True, meta=META)
    with pytest.raises(errors.ConsentMissing) as refused:
        course.record_attendance(session_id=third.session_id, code="5", now=after(third), meta=META)
    assert "withdrawn" in str(refused.value)


def test_the_first_attended_session_is_marked_first_once():
    course = planned_course()
    sign_consents(course)
    course.collect_events()
    for n in (1, 2):
        s = by_number(course)[n]
        course.record_attendance(session_id=s.session_id, code="5", now=after(s), meta=META)
    firsts = [e.first_attended for e in course.collect_events() if hasattr(e, "first_attended")]
    assert firsts == [True, False]


def test_attending_the_last_session_completes_the_course():
    course = planned_course(sessions=3)
    sign_consents(course)
    for s in course.live_sessions():
        course.record_attendance(session_id=s.session_id, code="5", now=after(s), meta=META)
    assert course.status == "completed" and course.ended["sessions_attended"] == 3
    with pytest.raises(errors.CourseIsCompleted):
        course.decide(decision="continue", meta=META)


def test_a_discharge_after_the_last_session_leaves_the_course_completed():
    course = planned_course(sessions=3)
    sign_consents(course)
    for s in course.live_sessions():
        course.record_attendance(session_id=s.session_id, code="5", now=after(s), meta=META)
    course.collect_events()
    assert course.close(closed_on=AFTER_COURSE.date(), now=AFTER_COURSE, meta=META) == 0
    assert course.status == "completed" and course.collect_events() == []


def test_a_discharge_cancels_the_sessions_to_come_by_the_provider_and_closes_the_course():
    course = planned_course()
    fifth = by_number(course)[5]
    cancelled = course.close(closed_on=fifth.day, now=fifth.starts_at, meta=META)
    assert cancelled == 12 and course.status == "closed"
    assert all(s.code == "4" for s in course.sessions.values() if s.number >= 5)
    assert course.close(closed_on=fifth.day, now=AFTER_COURSE, meta=META) == 0
    with pytest.raises(errors.CourseIsClosed):
        course.plan_break(
            break_id=uuid4(),
            starts_on=AFTER_COURSE.date(),
            ends_on=AFTER_COURSE.date(),
            kind="client_holiday",
            description="",
            calendar=calendar(),
            now=AFTER_COURSE,
            meta=META,
        )


def test_a_reallocation_moves_the_sessions_to_come_and_lists_the_clashes():
    course = planned_course()
    third, fourth = by_number(course)[3], by_number(course)[4]
    to_rebook = course.reallocate(
        therapist_id="therapist-2",
        reallocated_on=third.day,
        clashing={fourth.session_id},
        now=third.starts_at,
        meta=META,
    )
    assert to_rebook == [fourth.session_id] and fourth.to_rebook
    assert third.therapist_id == "therapist-2" and by_number(course)[2].therapist_id == (
        "therapist-1"
    )


def test_a_closure_planned_after_booking_moves_the_session_within_its_week():
    course = planned_course(first_date=date(2026, 1, 12))
    closed = calendar(**{"2026-02-02": "boiler broken"})  # session 4's Monday
    moved = course.respect_closures(
        calendar=closed, now=datetime(2026, 1, 20, tzinfo=UTC), meta=META
    )
    sessions = by_number(course)
    assert moved == 1 and sessions[4].day == date(2026, 2, 3)
    assert sessions[4].history[-1]["why"] == "closure"
    assert sessions[5].day == date(2026, 2, 9) and len(sessions) == 16


def test_the_course_counts_attendance_dnas_and_cancellations():
    course = planned_course()
    sign_consents(course)
    first, second, third = (by_number(course)[n] for n in (1, 2, 3))
    course.record_attendance(session_id=first.session_id, code="5", now=after(first), meta=META)
    course.record_attendance(session_id=second.session_id, code="3", now=after(second), meta=META)
    course.rebook(
        session_id=second.session_id,
        calendar=calendar(),
        now=after(second),
        new_id=uuid4(),
        meta=META,
    )
    course.cancel(
        session_id=third.session_id,
        code="4",
        calendar=calendar(),
        now=after(first),
        new_id=uuid4(),
        meta=META,
    )
    counts = course.tally()
    assert (counts["attended"], counts["did_not_attend"], counts["cancelled_by_provider"]) == (
        1,
        1,
        1,
    )
    assert counts["sessions_used"] == 1 and counts["sessions_to_come"] == 15
