"""Sites, closures and diaries over the real PostgreSQL: a closure planned after booking
moves the sessions on it; an assessment intake booked blocks its assessor's time; a
reallocation moves the sessions to the new therapist and lists those that clash; the
diaries show what is booked, in the site's local day."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.scheduling import errors
from services.scheduling.commands import SchedulingApplication
from services.scheduling.domain import course_id_of
from services.scheduling.policies import IntakePolicies
from services.scheduling.queries import SchedulingQueries
from shared.consumer import Delivered
from shared.envelope import Actor, Envelope
from tests.integration.scheduling.conftest import META, NOW, open_course


async def a_site(scheduling) -> str:
    site = f"s-{uuid4().hex[:8]}"
    await scheduling.register_site(
        site_id=site, name="North", time_zone=None, opening_hours=None, meta=META
    )
    await scheduling.add_room(site, room_id="room-1", name="Room 1", meta=META)
    return site


def intake_event(event_type: str, case_id, site: str, **data) -> Delivered:
    envelope = Envelope(
        event_id=uuid4(),
        type=event_type,
        schema_version=1,
        case_id=case_id,
        site_id=site,
        originator_id=case_id,
        originator_version=9,
        occurred_at=NOW,
        actor=Actor(id="staff-1", role="intake_worker"),
        correlation_id="it",
        causation_id=None,
        data=data,
    )
    return Delivered(envelope, "intake.events", 0, 0)


async def test_a_closure_moves_the_booked_sessions_on_it(scheduling):
    site = await a_site(scheduling)
    case_id = await open_course(scheduling, f"t-{uuid4().hex[:8]}", site)
    await scheduling.plan_course(
        case_id,
        first_date=date(2026, 1, 12),
        local_time="10:00",
        mode="room",
        room_id="room-1",
        sessions=16,
        meta=META,
    )
    outcome = await scheduling.plan_closure(
        site, starts_on=date(2026, 1, 26), ends_on=date(2026, 1, 26), reason="boiler", meta=META
    )
    assert outcome.sessions_moved == 1 and outcome.not_moved == []
    third = next(s for s in (await scheduling.course(case_id)).live_sessions() if s.number == 3)
    assert third.day == date(2026, 1, 27)
    day = await SchedulingQueries(scheduling.store).site_day(site, date(2026, 1, 27), "room-1")
    assert [r["session_number"] for r in day] == [3]


async def test_an_assessment_intake_booked_blocks_the_assessors_time(scheduling):
    site, assessor = await a_site(scheduling), f"t-{uuid4().hex[:8]}"
    starts = datetime(2026, 1, 12, 10, tzinfo=UTC)
    booked = intake_event(
        "intake.AssessmentBooked",
        uuid4(),
        site,
        appointment_id=str(uuid4()),
        appointment_type="01",
        scheduled_for=starts.isoformat(),
        assessor_id=assessor,
    )
    async with scheduling.store.pool.acquire() as conn, conn.transaction():
        await IntakePolicies(scheduling.store, lambda: NOW).handle(conn, [booked])
    case_id = await open_course(scheduling, assessor, site)
    with pytest.raises(errors.Clash, match="an assessment"):
        await scheduling.plan_course(
            case_id,
            first_date=date(2026, 1, 12),
            local_time="10:00",
            mode="video",
            room_id=None,
            sessions=2,
            meta=META,
        )
    week = await SchedulingQueries(scheduling.store).therapist_week(assessor, date(2026, 1, 12))
    assert [r["kind"] for r in week] == ["assessment"]


async def test_a_reallocation_moves_the_sessions_and_lists_the_clashes(scheduling):
    site, first, second = await a_site(scheduling), f"t-{uuid4().hex[:8]}", f"t-{uuid4().hex[:8]}"
    case_id, other = (
        await open_course(scheduling, first, site),
        await open_course(scheduling, second, site),
    )
    await scheduling.plan_course(
        case_id,
        first_date=date(2026, 1, 12),
        local_time="10:00",
        mode="video",
        room_id=None,
        sessions=4,
        meta=META,
    )
    await scheduling.plan_course(
        other,
        first_date=date(2026, 1, 26),
        local_time="10:00",
        mode="video",
        room_id=None,
        sessions=1,
        meta=META,
    )
    moved = intake_event(
        "intake.TherapistReallocated",
        case_id,
        site,
        therapist_id=second,
        previous_therapist_id=first,
        reallocated_on="2026-01-05",
        reason_sha256="0" * 64,
    )
    async with scheduling.store.pool.acquire() as conn, conn.transaction():
        await IntakePolicies(scheduling.store, lambda: NOW).handle(conn, [moved])
    course = await scheduling.course(case_id)
    by_number = {s.number: s for s in course.live_sessions()}
    assert {s.therapist_id for s in by_number.values()} == {second}
    assert [n for n, s in by_number.items() if s.to_rebook] == [3]  # 26 January: taken
    week = await SchedulingQueries(scheduling.store).therapist_week(second, date(2026, 1, 26))
    assert [r["case_id"] for r in week] == [other]
    new_time = (by_number[3].day + timedelta(days=1), "11:00")
    await scheduling.rebook_session(case_id, by_number[3].session_id, pick=new_time, meta=META)
    assert not (await scheduling.course(case_id)).session(by_number[3].session_id).to_rebook
    assert course_id_of(case_id) == course.id


async def test_a_session_listed_after_a_reallocation_is_rebooked_where_the_diary_is_free(
    scheduling,
):
    site, first, second = await a_site(scheduling), f"t-{uuid4().hex[:8]}", f"t-{uuid4().hex[:8]}"
    case_id, other = (
        await open_course(scheduling, first, site),
        await open_course(scheduling, second, site),
    )
    plan = dict(local_time="10:00", mode="video", room_id=None, meta=META)
    await scheduling.plan_course(case_id, first_date=date(2026, 1, 12), sessions=4, **plan)
    await scheduling.plan_course(other, first_date=date(2026, 1, 26), sessions=1, **plan)
    other_days = [date(2026, 1, 27), date(2026, 1, 28), date(2026, 1, 29), date(2026, 1, 30)]
    for day in other_days:  # the new therapist's whole week of 26 January is taken
        taken = await open_course(scheduling, second, site)
        await scheduling.plan_course(taken, first_date=day, sessions=1, **plan)
    moved = intake_event(
        "intake.TherapistReallocated",
        case_id,
        site,
        therapist_id=second,
        previous_therapist_id=first,
        reallocated_on="2026-01-05",
        reason_sha256="0" * 64,
    )
    async with scheduling.store.pool.acquire() as conn, conn.transaction():
        await IntakePolicies(scheduling.store, lambda: NOW).handle(conn, [moved])
    third = next(s for s in (await scheduling.course(case_id)).live_sessions() if s.number == 3)
    assert third.to_rebook
    await scheduling.rebook_session(case_id, third.session_id, meta=META)
    days = {s.number: s.day for s in (await scheduling.course(case_id)).live_sessions()}
    assert days == {
        1: date(2026, 1, 12),
        2: date(2026, 1, 19),
        3: date(2026, 2, 2),
        4: date(2026, 2, 9),
    }
    assert await overlaps_of(scheduling, second) == 0


async def test_a_late_cancellation_rebooked_into_later_weeks_passes_over_a_taken_day(
    scheduling,
):
    site, therapist = await a_site(scheduling), f"t-{uuid4().hex[:8]}"
    mine, other = (
        await open_course(scheduling, therapist, site),
        await open_course(scheduling, therapist, site),
    )
    plan = dict(local_time="10:00", mode="video", room_id=None, meta=META)
    await scheduling.plan_course(mine, first_date=date(2026, 1, 16), sessions=3, **plan)
    await scheduling.plan_course(other, first_date=date(2026, 2, 6), sessions=1, **plan)
    first = next(s for s in (await scheduling.course(mine)).live_sessions() if s.number == 1)
    late = SchedulingApplication(scheduling.store, clock=lambda: first.starts_at)
    await late.cancel_session(mine, first.session_id, code="2", meta=META)  # a Friday
    course = await scheduling.course(mine)
    days = {s.number: s.day for s in course.live_sessions()}
    assert days == {1: date(2026, 1, 23), 2: date(2026, 1, 30), 3: date(2026, 2, 13)}
    third = next(s for s in course.live_sessions() if s.number == 3)
    assert third.history[-1]["why"] == "cancellation"
    assert await overlaps_of(scheduling, therapist) == 0


async def test_a_break_moves_the_last_session_past_another_courses_booking(scheduling):
    site, therapist = await a_site(scheduling), f"t-{uuid4().hex[:8]}"
    mine, other = (
        await open_course(scheduling, therapist, site),
        await open_course(scheduling, therapist, site),
    )
    plan = dict(local_time="10:00", mode="video", room_id=None, meta=META)
    await scheduling.plan_course(mine, first_date=date(2026, 1, 13), sessions=4, **plan)
    await scheduling.plan_course(other, first_date=date(2026, 2, 10), sessions=1, **plan)
    _, moved = await scheduling.plan_break(
        mine,
        starts_on=date(2026, 1, 26),
        ends_on=date(2026, 2, 1),
        kind="client_holiday",
        description="away",
        meta=META,
    )
    days = {s.number: s.day for s in (await scheduling.course(mine)).live_sessions()}
    assert moved == 2 and days[3] == date(2026, 2, 3)
    assert days[4] == date(2026, 2, 11)  # Tuesday 10 February is the other course's
    assert await overlaps_of(scheduling, therapist) == 0


async def overlaps_of(scheduling, therapist: str) -> int:
    """Pairs of the therapist's reservations that overlap (the constraint allows none)."""
    return await scheduling.store.pool.fetchval(
        "SELECT count(*) FROM scheduling_reservations a JOIN scheduling_reservations b"
        " ON a.reservation_id < b.reservation_id AND a.therapist_id = b.therapist_id"
        " AND a.during && b.during WHERE a.therapist_id = $1",
        therapist,
    )


async def test_a_re_plan_onto_a_taken_time_moves_those_weeks_to_the_next_free_day(scheduling):
    site, therapist = await a_site(scheduling), f"t-{uuid4().hex[:8]}"
    mine, other = (
        await open_course(scheduling, therapist, site),
        await open_course(scheduling, therapist, site),
    )
    plan = dict(mode="video", room_id=None, meta=META)
    await scheduling.plan_course(
        mine, first_date=date(2026, 1, 12), local_time="10:00", sessions=8, **plan
    )
    await scheduling.plan_course(
        other, first_date=date(2026, 2, 11), local_time="14:00", sessions=2, **plan
    )
    await scheduling.replan_course(
        mine, from_date=date(2026, 2, 1), weekday="wednesday", local_time="14:00", **plan
    )
    days = {s.number: s.day for s in (await scheduling.course(mine)).live_sessions()}
    assert [days[n] for n in range(4, 9)] == [
        date(2026, 2, 4),
        date(2026, 2, 12),  # Wednesdays 11 and 18 February are the other course's
        date(2026, 2, 19),
        date(2026, 2, 25),
        date(2026, 3, 4),
    ]
    assert await overlaps_of(scheduling, therapist) == 0
