"""Staff queries over the real PostgreSQL: the case index is written with the events."""

import asyncio
from datetime import date, timedelta
from uuid import uuid4

from services.intake import readmodel
from services.intake.application import ClientDetails, IntakeApplication
from services.intake.queries import IntakeQueries
from shared.eventstore import EventStore
from tests.integration.intake.conftest import TODAY
from tests.integration.intake.steps import allocated, referred, staff, waiting


def site() -> str:
    return f"site-{uuid4().hex[:8]}"


async def test_the_waiting_list_is_ordered_by_referral_date_with_days_waited_less_pauses(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    here = site()
    late = await waiting(intake_app, TODAY - timedelta(days=10), here)
    early = await referred(intake_app, TODAY - timedelta(days=130), here)
    middle = await waiting(intake_app, TODAY - timedelta(days=50), here)
    await intake_app.pause_waiting(
        middle, paused_from=TODAY - timedelta(days=20), reason="away", meta=staff()
    )
    await intake_app.resume_waiting(middle, resumed_on=TODAY - timedelta(days=12), meta=staff())
    await referred(intake_app, TODAY - timedelta(days=5), site())  # another site

    entries = await queries.waiting_list(here)

    assert [e["case_id"] for e in entries] == [early, middle, late]
    assert [e["waited_days"] for e in entries] == [130, 42, 10]
    assert [(e["past_6_weeks"], e["past_18_weeks"]) for e in entries] == [
        (True, True),
        (False, False),
        (False, False),
    ]
    assert [e["case_id"] for e in await queries.waiting_list(here, past_weeks=18)] == [early]


async def test_a_long_waiting_list_comes_a_page_at_a_time_and_is_counted_against_the_standards(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    here = site()
    by_days = {d: await waiting(intake_app, TODAY - timedelta(days=d), here) for d in (200, 127)}
    by_days[50] = await waiting(intake_app, TODAY - timedelta(days=50), here)
    # Waited 42 days with a closed pause, 30 with an open one: within 6 weeks, as the list says
    paused = await waiting(intake_app, TODAY - timedelta(days=90), here)
    await intake_app.pause_waiting(
        paused, paused_from=TODAY - timedelta(days=60), reason="away", meta=staff()
    )
    by_days[30] = paused
    closed = await waiting(intake_app, TODAY - timedelta(days=46), here)
    await intake_app.pause_waiting(
        closed, paused_from=TODAY - timedelta(days=10), reason="away", meta=staff()
    )
    await intake_app.resume_waiting(closed, resumed_on=TODAY - timedelta(days=6), meta=staff())
    by_days[42] = closed

    entries = await queries.waiting_list(here)
    assert [e["waited_days"] for e in entries] == [200, 127, 30, 50, 42]
    page = await queries.waiting_list(here, limit=2, offset=1)
    assert [e["case_id"] for e in page] == [by_days[127], by_days[30]]
    assert await queries.waiting_list(here, limit=2, offset=5) == []
    past_six = await queries.waiting_list(here, past_weeks=6, limit=2, offset=1)
    assert [e["case_id"] for e in past_six] == [by_days[127], by_days[50]]
    standards = await queries.waiting_standards(here)
    assert standards == {
        "site_id": here,
        "measured_on": TODAY,
        "waiting": 5,
        "within_6_weeks": sum(not e["past_6_weeks"] for e in entries),
        "within_18_weeks": sum(not e["past_18_weeks"] for e in entries),
    }
    assert (standards["within_6_weeks"], standards["within_18_weeks"]) == (2, 3)


async def test_an_open_pause_stops_the_days_waited_and_shows_on_hold(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    here = site()
    case_id = await waiting(intake_app, TODAY - timedelta(days=60), here)
    await intake_app.pause_waiting(
        case_id, paused_from=TODAY - timedelta(days=30), reason="-", meta=staff()
    )
    [entry] = await queries.waiting_list(here)
    assert (entry["waited_days"], entry["episode_status"]) == (30, "onhold")
    assert entry["paused_since"] == TODAY - timedelta(days=30)


async def test_a_client_leaves_the_waiting_list_at_the_first_session_or_discharge(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    here = site()
    treated = await allocated(intake_app, TODAY - timedelta(days=40), "therapist-1", here)
    discharged = await waiting(intake_app, TODAY - timedelta(days=30), here)
    still = await allocated(intake_app, TODAY - timedelta(days=20), "therapist-1", here)
    await intake_app.record_first_treatment_attended(
        treated, attended_on=TODAY - timedelta(days=3), appointment_type="02", meta=staff()
    )
    await intake_app.discharge_case(discharged, ending_code="14", discharged_on=TODAY, meta=staff())
    assert [e["case_id"] for e in await queries.waiting_list(here)] == [still]


async def test_a_caseload_holds_the_active_cases_of_the_therapist_and_follows_reallocation(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    first, second = f"t-{uuid4().hex[:6]}", f"t-{uuid4().hex[:6]}"
    one = await allocated(intake_app, TODAY - timedelta(days=40), first)
    two = await allocated(intake_app, TODAY - timedelta(days=30), first)
    await intake_app.reallocate_therapist(
        two, therapist_id=second, reallocated_on=TODAY, reason="leave", meta=staff()
    )
    assert [e["case_id"] for e in await queries.caseload(first)] == [one]
    [moved] = await queries.caseload(second)
    assert (moved["case_id"], moved["allocated_on"]) == (two, TODAY)


async def test_the_timeline_lists_the_case_events_in_order_in_their_public_form(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    case_id = await waiting(intake_app, date(2026, 3, 2))
    timeline = await queries.timeline(case_id)
    assert [(t["version"], t["type"]) for t in timeline] == [
        (1, "intake.ReferralReceived"),
        (2, "intake.AssessmentBooked"),
        (3, "intake.AssessmentOutcomeRecorded"),
    ]
    assert timeline[0]["data"] == {"referral_source": "self", "referral_date": "2026-03-02"}
    assert timeline[0]["actor"] == {"id": "staff-1", "role": "intake_worker"}


async def test_personal_details_are_stored_encrypted(
    intake_app: IntakeApplication, intake_store: EventStore
):
    case_id = await referred(intake_app, date(2026, 3, 2), name="Perpetua Oyelaran-Smith")
    state = await intake_store.pool.fetchval(
        "SELECT state FROM stored_events WHERE originator_id = $1", case_id
    )
    assert b"Perpetua" not in state and b"9434765919" not in state
    assert (await intake_store.get(case_id)).client["name"] == "Perpetua Oyelaran-Smith"


async def test_an_enquiry_and_its_referral_are_saved_together_under_the_reserved_case_id(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    enquiry = await intake_app.receive_enquiry(
        site_id="north",
        contact=ClientDetails(name="E", phone="07700 900000"),
        notes="chat",
        received_on=date(2026, 3, 2),
        meta=staff(),
    )
    case = await intake_app.refer_enquiry(
        enquiry.id,
        referral_source="self",
        referral_date=date(2026, 3, 3),
        client=ClientDetails(name="E", nhs_number="9434765919"),
        meta=staff(),
    )
    assert case.id == enquiry.case_id
    assert (await queries.enquiry(enquiry.id)).status == "converted"
    stored = await queries.case(case.id)
    assert stored.client == {"name": "E", "phone": "07700 900000", "nhs_number": "9434765919"}


async def test_catching_up_rebuilds_missing_and_stale_index_rows(
    intake_app: IntakeApplication, intake_store: EventStore
):
    missing = await waiting(intake_app, date(2026, 3, 2))
    stale = await referred(intake_app, date(2026, 3, 3))
    await intake_store.pool.execute("DELETE FROM intake_case_index WHERE case_id = $1", missing)
    await intake_store.pool.execute(
        "UPDATE intake_case_index SET version = 0, status = 'x' WHERE case_id = $1", stale
    )
    assert await readmodel.catch_up(intake_store) == 2
    rows = await intake_store.pool.fetch("SELECT case_id, status FROM intake_case_index")
    assert dict((r["case_id"], r["status"]) for r in rows) == {
        missing: "waiting",
        stale: "referred",
    }
    assert await readmodel.catch_up(intake_store) == 0


async def test_catching_up_reads_only_the_cases_with_events_since_the_last_one(
    intake_app: IntakeApplication, intake_store: EventStore
):
    earlier = await referred(intake_app, date(2026, 3, 2))
    await referred(intake_app, date(2026, 3, 2))  # stays indexed: an empty index is read whole
    await readmodel.catch_up(intake_store)
    later = await referred(intake_app, date(2026, 3, 3))
    await intake_store.pool.execute(
        "DELETE FROM intake_case_index WHERE case_id = ANY($1::uuid[])", [earlier, later]
    )
    assert await readmodel.catch_up(intake_store) == 1  # not every event of the store again
    rows = await intake_store.pool.fetch("SELECT case_id FROM intake_case_index")
    assert later in {r["case_id"] for r in rows}


async def test_concurrent_commands_each_find_their_case_indexed_at_its_latest_version(
    intake_app: IntakeApplication, intake_store: EventStore
):
    here = site()
    cases = await asyncio.gather(*[referred(intake_app, TODAY, here) for _ in range(30)])
    await asyncio.gather(
        *[
            intake_app.pause_waiting(case_id, paused_from=TODAY, reason="-", meta=staff())
            for case_id in cases[:10]
        ]
    )
    rows = await intake_store.pool.fetch(
        "SELECT case_id, version, episode_status FROM intake_case_index WHERE site_id = $1", here
    )
    assert {r["case_id"]: r["version"] for r in rows} == {
        case_id: 2 if n < 10 else 1 for n, case_id in enumerate(cases)
    }


async def test_an_older_row_never_replaces_a_newer_one(
    intake_app: IntakeApplication, intake_store: EventStore
):
    case_id = await waiting(intake_app, TODAY)
    case = await intake_store.get(case_id)
    older = await intake_store.get(case_id, version=1)
    await readmodel.upsert(intake_store.pool, [readmodel.row_of(older)])
    await readmodel.upsert(intake_store.pool, [readmodel.row_of(case), readmodel.row_of(older)])
    status = await intake_store.pool.fetchval(
        "SELECT status FROM intake_case_index WHERE case_id = $1", case_id
    )
    assert status == "waiting"
