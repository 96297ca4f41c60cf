"""Properties of any plan and any set of breaks: the number of sessions is kept, no two
sessions of a course overlap, none falls on a closure or in a break, the numbers follow
the order of time."""

import itertools
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from services.scheduling.layout import Break
from tests.unit.scheduling.factories import META, calendar, planned_course

CALENDAR = calendar()
WEEKDAY_DATES = st.dates(date(2026, 1, 5), date(2028, 12, 31)).filter(
    lambda d: d.weekday() < 5 and d not in CALENDAR.closures
)
TIMES = st.sampled_from(["09:00", "10:00", "11:30", "14:00", "16:10"])
BREAKS = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 30)), min_size=0, max_size=3
)  # (days after the first session, length in days)


@settings(max_examples=150, deadline=None)
@given(first=WEEKDAY_DATES, at=TIMES, sessions=st.integers(1, 20), breaks=BREAKS)
def test_any_plan_and_breaks_keep_the_count_and_never_overlap_or_fall_on_a_closure(
    first, at, sessions, breaks
):
    course = planned_course(first_date=first, local_time=at, sessions=sessions, cal=CALENDAR)
    now = datetime.combine(first, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    for offset, length in breaks:
        starts = first + timedelta(days=offset)
        course.plan_break(
            break_id=uuid4(),
            starts_on=starts,
            ends_on=starts + timedelta(days=length),
            kind="therapist_leave",
            description="",
            calendar=CALENDAR,
            now=now,
            meta=META,
        )
    live = course.live_sessions()
    assert sorted(s.number for s in live) == list(range(1, sessions + 1))
    assert [s.number for s in live] == list(range(1, sessions + 1))  # in order of time
    for earlier, later in itertools.pairwise(live):
        assert earlier.ends_at <= later.starts_at
    periods = [Break(b["starts_on"], b["ends_on"]) for b in course.breaks]
    for s in live:
        assert CALENDAR.refusal(s.day, s.at) is None
        assert not any(p.covers(s.day) for p in periods)


@settings(max_examples=100, deadline=None)
@given(
    first=WEEKDAY_DATES,
    sessions=st.integers(2, 16),
    cancellations=st.lists(st.tuples(st.integers(0, 15), st.sampled_from(["2", "4"])), max_size=6),
)
def test_cancellations_rebooked_keep_the_count_and_the_order(first, sessions, cancellations):
    course = planned_course(first_date=first, sessions=sessions, cal=CALENDAR)
    now = datetime.combine(first, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    for index, code in cancellations:
        booked = course.booked_sessions()
        target = booked[index % len(booked)]
        course.cancel(
            session_id=target.session_id,
            code=code,
            calendar=CALENDAR,
            now=now,
            new_id=uuid4(),
            meta=META,
        )
    live = course.live_sessions()
    assert [s.number for s in live] == list(range(1, sessions + 1))
    for earlier, later in itertools.pairwise(live):
        assert earlier.ends_at <= later.starts_at
    assert all(CALENDAR.refusal(s.day, s.at) is None for s in live)
    cancelled = [s for s in course.sessions.values() if s.status == "cancelled"]
    assert len(cancelled) == len(cancellations)
