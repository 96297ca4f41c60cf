"""Sites, closures and diaries over the real PostgreSQL: a closure planned after booking
moves the sessions on it; an assessment intake booked blocks its assessor's time; a
reallocation moves the sessions to the new therapist and lists those that clash; the
diaries show what is booked, in the site's local day."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.scheduling import errors
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


async def test_a_re_plan_onto_a_taken_time_is_refused_whole(scheduling):
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
        other, first_date=date(2026, 1, 14), local_time="14:00", sessions=8, **plan
    )
    before = await scheduling.course(mine)
    with pytest.raises(errors.Clash, match=f"therapist {therapist} is booked at 2026-02-04T14:00"):
        await scheduling.replan_course(
            mine, from_date=date(2026, 2, 1), weekday="wednesday", local_time="14:00", **plan
        )
    after = await scheduling.course(mine)
    assert after.version == before.version
    assert [s.local_start for s in after.live_sessions()] == [
        s.local_start for s in before.live_sessions()
    ]
