"""Automatic rebooks and re-plans read the diaries of the therapist and the room (another
course's session, an assessment): into the same week or a later one, a taken time is passed
over like a closed day, the reason recorded."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from tests.unit.scheduling.factories import META, by_number, calendar, planned_course


def taken_on(*days: date) -> Callable[[datetime, datetime], bool]:
    """Another booking holds the whole of each day in the diaries."""
    return lambda start, end: start.date() in days


def week_after(day: date) -> list[date]:
    return [day + timedelta(days=n) for n in range(1, 5)]


def after(session) -> datetime:
    return session.starts_at + timedelta(minutes=5)


def test_a_cancellation_rebooked_into_a_later_week_passes_over_a_taken_day_there():
    course = planned_course(first_date=date(2026, 1, 13))  # Tuesdays
    second, last = by_number(course)[2], by_number(course)[16].day
    busy = taken_on(*week_after(second.day), last + timedelta(weeks=1))
    course.cancel(
        session_id=second.session_id,
        code="4",
        calendar=calendar(),
        now=after(second),
        new_id=uuid4(),
        meta=META,
        busy=busy,
    )
    sessions = by_number(course)
    assert sessions[2].day == second.day + timedelta(weeks=1)
    assert sessions[16].day == last + timedelta(weeks=1, days=1)  # the Wednesday
    assert sessions[16].history[-1]["why"] == "cancellation"
    assert "diary is taken" in sessions[16].history[-1]["detail"]
    assert len(sessions) == 16


def test_a_discounted_did_not_attend_rebooked_later_passes_over_a_taken_week():
    course = planned_course(first_date=date(2026, 1, 12))
    first, fifth = by_number(course)[1], by_number(course)[5].day
    whole_week = [fifth + timedelta(days=n) for n in range(5)]
    course.record_attendance(session_id=first.session_id, code="3", now=after(first), meta=META)
    new_id = course.rebook(
        session_id=first.session_id,
        calendar=calendar(),
        now=after(first),
        new_id=uuid4(),
        meta=META,
        busy=taken_on(*week_after(first.day), *whole_week),
    )
    sessions = by_number(course)
    assert sessions[1].session_id == new_id and sessions[1].day == date(2026, 1, 19)
    assert sessions[3].day == fifth - timedelta(weeks=1)
    assert sessions[4].day == fifth + timedelta(weeks=1)  # the week it fell in is full
    assert sessions[4].history[-1]["why"] == "rebooked"
    assert not any(s.day in whole_week for s in sessions.values())


def test_a_re_plan_onto_a_taken_time_moves_that_weeks_session_to_the_next_free_day():
    course = planned_course(first_date=date(2026, 1, 12))
    taken = date(2026, 2, 18)  # a Wednesday another course holds at 14:00
    course.replan(
        from_date=date(2026, 2, 1),
        weekday="wednesday",
        local_time="14:00",
        mode="room",
        room_id="room-1",
        calendar=calendar(),
        now=datetime(2026, 1, 20, tzinfo=UTC),
        meta=META,
        busy=taken_on(taken),
    )
    sessions = by_number(course)
    assert sessions[5].day == date(2026, 2, 11) and sessions[7].day == date(2026, 2, 25)
    assert sessions[6].day == date(2026, 2, 19) and sessions[6].local_start.endswith("14:00")
    assert sessions[6].history[-1]["why"] == "replan"
    assert "2026-02-18" in sessions[6].history[-1]["detail"]


def test_a_session_listed_after_a_reallocation_is_rebooked_on_the_next_free_day():
    course = planned_course(first_date=date(2026, 1, 12))
    third, fourth, fifth = (by_number(course)[n] for n in (3, 4, 5))
    course.reallocate(
        therapist_id="therapist-2",
        reallocated_on=third.day,
        clashing={fourth.session_id},
        now=third.starts_at,
        meta=META,
    )
    moved = course.rebook(
        session_id=fourth.session_id,
        calendar=calendar(),
        now=third.starts_at,
        new_id=uuid4(),
        meta=META,
        busy=taken_on(fourth.day, fourth.day + timedelta(days=1)),
    )
    assert moved == fourth.session_id and not fourth.to_rebook
    assert fourth.day == date(2026, 2, 4) and fourth.therapist_id == "therapist-2"
    assert fourth.history[-1]["why"] == "rebooked" and fifth.day == date(2026, 2, 9)


def test_a_session_listed_after_a_reallocation_with_its_week_taken_moves_the_rest_on():
    course = planned_course(first_date=date(2026, 1, 13))
    third, fourth = by_number(course)[3], by_number(course)[4]
    last = by_number(course)[16].day
    course.reallocate(
        therapist_id="therapist-2",
        reallocated_on=third.day,
        clashing={fourth.session_id},
        now=third.starts_at,
        meta=META,
    )
    course.rebook(
        session_id=fourth.session_id,
        calendar=calendar(),
        now=third.starts_at,
        new_id=uuid4(),
        meta=META,
        busy=taken_on(fourth.day, *week_after(fourth.day)),
    )
    sessions = by_number(course)
    assert sessions[4].day == fourth.day and fourth.day == date(2026, 2, 10)
    assert sessions[16].day == last + timedelta(weeks=1) and len(sessions) == 16
    assert not fourth.to_rebook


def test_a_break_passes_the_last_session_over_a_day_the_diary_has_taken():
    course = planned_course(first_date=date(2026, 1, 13))  # Tuesdays
    last = by_number(course)[16].day
    moved = course.plan_break(
        break_id=uuid4(),
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 8),
        kind="therapist_leave",
        description="leave",
        calendar=calendar(),
        now=datetime(2026, 2, 1, tzinfo=UTC),
        meta=META,
        busy=taken_on(last + timedelta(weeks=1)),
    )
    sessions = by_number(course)
    assert moved > 0 and len(sessions) == 16
    assert sessions[16].day == last + timedelta(weeks=1, days=1)
    assert sessions[16].history[-1]["why"] == "break"


def test_a_closure_moves_its_session_past_a_day_the_diary_has_taken():
    course = planned_course(first_date=date(2026, 1, 12))
    closed = calendar(**{"2026-02-02": "boiler broken"})  # session 4's Monday
    moved = course.respect_closures(
        calendar=closed,
        now=datetime(2026, 1, 20, tzinfo=UTC),
        meta=META,
        busy=taken_on(date(2026, 2, 3)),  # the Tuesday after it too
    )
    sessions = by_number(course)
    assert moved == 1 and sessions[4].day == date(2026, 2, 4)
