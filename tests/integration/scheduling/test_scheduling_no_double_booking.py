"""Races against the real PostgreSQL: many plans booking overlapping slots at once for one
therapist, or for one room. Exactly one wins each slot, the others are refused naming the
clash, and the reservations table never holds an overlap."""

import asyncio
from datetime import date
from uuid import uuid4

import asyncpg
import pytest

from services.scheduling import application, errors
from services.scheduling.application import CLASHES
from services.scheduling.site_calendar import Calendar
from tests.integration.scheduling.conftest import META, NOW, open_course

RACERS = 12


async def overlaps_in_table(pool) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM scheduling_reservations a JOIN scheduling_reservations b"
        " ON a.reservation_id < b.reservation_id AND a.during && b.during"
        " AND (a.therapist_id = b.therapist_id"
        "      OR (a.site_id = b.site_id AND a.room_id = b.room_id))"
    )


async def plan_all(scheduling, case_ids, **plan):
    async def plan_one(case_id):
        return await scheduling.plan_course(case_id, meta=META, **plan)

    return await asyncio.gather(*(plan_one(c) for c in case_ids), return_exceptions=True)


async def test_concurrent_plans_for_one_therapist_at_one_time_book_exactly_one(scheduling):
    therapist, site = f"t-{uuid4().hex[:8]}", f"s-{uuid4().hex[:8]}"
    cases = [await open_course(scheduling, therapist, site) for _ in range(RACERS)]
    results = await plan_all(
        scheduling,
        cases,
        first_date=date(2026, 1, 12),
        local_time="10:00",
        mode="video",
        room_id=None,
        sessions=16,
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == RACERS - 1
    assert all(isinstance(r, errors.Clash) for r in refused), refused
    assert f"therapist {therapist} is booked at 2026-01-12T10:00" in str(refused[0])
    assert await overlaps_in_table(scheduling.store.pool) == 0
    booked = await scheduling.store.pool.fetchval(
        "SELECT count(*) FROM scheduling_reservations WHERE therapist_id = $1", therapist
    )
    assert booked == 16


async def test_concurrent_plans_for_one_room_book_exactly_one(scheduling):
    site = f"s-{uuid4().hex[:8]}"
    await scheduling.register_site(
        site_id=site, name="North", time_zone=None, opening_hours=None, meta=META
    )
    await scheduling.add_room(site, room_id="room-1", name="Room 1", meta=META)
    cases = [await open_course(scheduling, f"t-{uuid4().hex[:8]}", site) for _ in range(RACERS)]
    results = await plan_all(
        scheduling,
        cases,
        first_date=date(2026, 1, 13),
        local_time="11:00",
        mode="room",
        room_id="room-1",
        sessions=4,
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == RACERS - 1
    assert all(isinstance(r, errors.Clash) for r in refused), refused
    assert f"room room-1 of site {site} is booked" in str(refused[0])
    assert await overlaps_in_table(scheduling.store.pool) == 0


async def test_a_refused_plan_stores_nothing_of_its_course(scheduling):
    therapist, site = f"t-{uuid4().hex[:8]}", f"s-{uuid4().hex[:8]}"
    first, second = [await open_course(scheduling, therapist, site) for _ in range(2)]
    plan = dict(first_date=date(2026, 1, 14), local_time="09:30", mode="phone", room_id=None)
    await scheduling.plan_course(first, meta=META, sessions=16, **plan)
    with pytest.raises(errors.Clash):
        await scheduling.plan_course(second, meta=META, sessions=3, **plan)
    course = await scheduling.course(second)
    assert course.status == "awaiting_plan" and course.sessions == {}
    assert course.version == 1


async def test_the_database_refuses_an_overlap_even_when_the_check_is_bypassed(scheduling):
    """Two courses planned on one slot, saved at once straight to the store (no check
    before): the exclusion constraint lets one in and fails the other whole."""
    therapist, site = f"t-{uuid4().hex[:8]}", f"s-{uuid4().hex[:8]}"
    courses = [
        await scheduling.course(await open_course(scheduling, therapist, site)) for _ in range(2)
    ]
    for course in courses:
        course.plan(
            first_date=date(2026, 1, 15),
            local_time="15:00",
            mode="video",
            room_id=None,
            sessions=2,
            calendar=Calendar(site),
            now=NOW,
            new_ids=iter([uuid4(), uuid4()]),
            meta=META.model_copy(update={"case_id": course.case_id}).for_event(),
        )
    results = await asyncio.gather(
        *(scheduling.store.save(c) for c in courses), return_exceptions=True
    )
    assert sum(isinstance(r, asyncpg.ExclusionViolationError) for r in results) == 1
    assert await overlaps_in_table(scheduling.store.pool) == 0
    states = [(await scheduling.course(c.case_id)).status for c in courses]
    assert sorted(states) == ["awaiting_plan", "planned"]


async def test_commands_that_race_past_the_check_meet_the_constraint_and_a_named_clash(
    scheduling, monkeypatch
):
    """Both checks before saving see a free slot (as when two commands run side by side);
    the database refuses the second save, and the refusal still names the clash."""
    calls, real = 0, application.clash_of

    async def racing(pool, course):
        nonlocal calls
        calls += 1
        return None if calls <= 2 else await real(pool, course)

    therapist, site = f"t-{uuid4().hex[:8]}", f"s-{uuid4().hex[:8]}"
    cases = [await open_course(scheduling, therapist, site) for _ in range(2)]
    monkeypatch.setattr(application, "clash_of", racing)
    before = CLASHES.labels("constraint")._value.get()
    results = await plan_all(
        scheduling,
        cases,
        first_date=date(2026, 1, 16),
        local_time="12:00",
        mode="video",
        room_id=None,
        sessions=3,
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], errors.Clash)
    assert f"therapist {therapist} is booked at 2026-01-16T12:00" in str(refused[0])
    assert CLASHES.labels("constraint")._value.get() == before + 1


async def test_racing_plans_in_one_process_take_turns_and_never_fail_a_group_commit(scheduling):
    """Overlapping saves of one process wait for each other (services/scheduling/inflight.py):
    every loser is refused by the check before saving, so no group transaction fails on the
    constraint and no other save waits for its retries in halves."""
    therapist, site = f"t-{uuid4().hex[:8]}", f"s-{uuid4().hex[:8]}"
    cases = [await open_course(scheduling, therapist, site) for _ in range(RACERS)]
    before = CLASHES.labels("constraint")._value.get()
    results = await plan_all(
        scheduling,
        cases,
        first_date=date(2026, 1, 19),
        local_time="13:00",
        mode="video",
        room_id=None,
        sessions=8,
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == RACERS - 1 and all(isinstance(r, errors.Clash) for r in refused)
    assert CLASHES.labels("constraint")._value.get() == before
