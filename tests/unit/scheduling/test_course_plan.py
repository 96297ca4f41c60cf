"""A course planned from a first date: weekly sessions with their DIT phases, kept on the
site's wall clock across the clock changes, moved off bank holidays within the week."""

from datetime import UTC, date, datetime

import pytest

from services.scheduling import errors
from services.scheduling.layout import phase_of
from services.scheduling.site_calendar import Calendar
from tests.unit.scheduling.factories import (
    EARLY,
    META,
    by_number,
    calendar,
    ids,
    opened_course,
    planned_course,
)


def test_each_session_number_of_sixteen_has_its_dit_phase():
    phases = [phase_of(n, 16) for n in range(1, 17)]
    assert phases == ["initial"] * 4 + ["middle"] * 8 + ["ending"] * 4


@pytest.mark.parametrize(
    ("total", "initial", "ending"), [(12, 3, 3), (20, 5, 5), (8, 2, 2), (3, 1, 1)]
)
def test_a_course_of_another_length_keeps_a_quarter_for_the_initial_and_ending_phases(
    total, initial, ending
):
    phases = [phase_of(n, total) for n in range(1, total + 1)]
    assert phases.count("initial") == initial and phases.count("ending") == ending
    assert phases == sorted(phases, key=["initial", "middle", "ending"].index)


def test_a_plan_books_sixteen_weekly_fifty_minute_sessions_by_default():
    course = planned_course(first_date=date(2026, 1, 12))
    sessions = course.live_sessions()
    assert [s.number for s in sessions] == list(range(1, 17))
    assert all((s.ends_at - s.starts_at).seconds == 50 * 60 for s in sessions)
    assert sessions[1].day == date(2026, 1, 19)


def test_a_session_on_a_bank_holiday_moves_to_the_next_open_day_of_that_week():
    course = planned_course(first_date=date(2027, 3, 8))  # session 4 due on Easter Monday
    fourth = by_number(course)[4]
    assert fourth.day == date(2027, 3, 30)
    assert fourth.history[0]["was"] == "2027-03-29T10:00"
    assert "Easter Monday" in fourth.history[0]["detail"]
    assert by_number(course)[5].day == date(2027, 4, 5)  # back on Mondays


def test_a_session_on_a_planned_closure_moves_too():
    course = planned_course(first_date=date(2026, 2, 2), cal=calendar(**{"2026-02-09": "flood"}))
    assert by_number(course)[2].day == date(2026, 2, 10)


def test_a_course_across_the_march_clock_change_stays_at_ten_local():
    course = planned_course(first_date=date(2027, 3, 17))  # clocks go forward 28 March
    before, after = by_number(course)[2], by_number(course)[3]
    assert (before.local_start, after.local_start) == ("2027-03-24T10:00", "2027-03-31T10:00")
    assert before.starts_at.astimezone(UTC).hour == 10
    assert after.starts_at.astimezone(UTC).hour == 9


def test_a_course_across_the_october_clock_change_stays_at_ten_local():
    course = planned_course(first_date=date(2027, 10, 18))  # clocks go back 31 October
    before, after = by_number(course)[2], by_number(course)[3]
    assert (before.at, after.at) == ("10:00", "10:00")
    assert before.starts_at.astimezone(UTC).hour == 9
    assert after.starts_at.astimezone(UTC).hour == 10


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sessions": 0}, "sessions"),
        ({"sessions": 100}, "sessions"),
        ({"local_time": "08:00"}, "local_time"),
        ({"local_time": "16:30"}, "local_time"),
        ({"first_date": date(2026, 12, 25)}, "first_date"),
        ({"first_date": date(2026, 1, 10)}, "weekday"),  # a Saturday
        ({"room_id": "room-of-another-site"}, "room_id"),
        ({"mode": "video"}, "room_id"),
        ({"mode": "teleport", "room_id": None}, "mode"),
        ({"first_date": date(2025, 1, 6)}, "first_date"),
    ],
)
def test_a_plan_the_rules_refuse_names_the_field_and_books_nothing(change, field):
    course = opened_course()
    plan = dict(
        first_date=date(2026, 1, 12), local_time="10:00", mode="room", room_id="room-1", sessions=16
    )
    with pytest.raises(errors.InvalidInput) as refused:
        course.plan(**{**plan, **change}, calendar=calendar(), now=EARLY, new_ids=ids(), meta=META)
    assert refused.value.field == field
    assert course.sessions == {} and len(course.collect_events()) == 1


def test_a_course_is_planned_once_and_then_re_planned():
    course = planned_course()
    with pytest.raises(errors.CourseAlreadyPlanned):
        course.plan(
            first_date=date(2026, 3, 2),
            local_time="10:00",
            mode="video",
            room_id=None,
            sessions=16,
            calendar=calendar(),
            now=EARLY,
            new_ids=ids(),
            meta=META,
        )


def test_a_re_plan_moves_the_sessions_from_a_date_and_keeps_those_held():
    course = planned_course(first_date=date(2026, 1, 12))
    held = by_number(course)[1]
    course.record_attendance(
        session_id=held.session_id, code="5", now=datetime(2026, 1, 12, 11, tzinfo=UTC), meta=META
    )
    course.replan(
        from_date=date(2026, 2, 3),
        weekday="wednesday",
        local_time="14:00",
        mode="video",
        room_id=None,
        calendar=calendar(),
        now=datetime(2026, 1, 20, tzinfo=UTC),
        meta=META,
    )
    sessions = by_number(course)
    assert sessions[1].status == "held" and sessions[1].day == date(2026, 1, 12)
    assert sessions[4].day == date(2026, 2, 2)  # before the date: kept
    assert sessions[5].day == date(2026, 2, 4) and sessions[5].at == "14:00"
    assert sessions[5].mode == "video" and sessions[5].history[-1]["why"] == "replan"
    assert len(sessions) == 16


def test_a_wall_clock_time_the_spring_change_skips_is_refused():
    always_open = Calendar("north", hours={"sunday": ("00:00", "23:59")})
    assert "does not exist" in always_open.refusal(date(2027, 3, 28), "01:30")
    assert always_open.refusal(date(2027, 3, 21), "01:30") is None
