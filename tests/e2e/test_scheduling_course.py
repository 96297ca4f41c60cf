"""A course through the services over HTTP: allocated in intake, planned in scheduling,
session 2 refused until both consents are signed in intake, sessions 1 and 2 attended (and
intake's waiting clock stopped by the first), a cancellation rebooked, a break, and the
audit replay of the case showing the course. Scheduling's clock is moved with X-Clock (its
test environment only) to record attendance of sessions booked in the future."""

import asyncio
from uuid import uuid4

from icalendar import Calendar

from tests.e2e.scheduling_steps import (
    allocated_case,
    at,
    course_when,
    live,
    next_monday,
    sign_consents,
    site_with_room,
)


async def test_a_course_from_allocation_to_the_audit_replay(intake, scheduling, audit):
    site_id = await site_with_room(scheduling)
    therapist = f"t-{uuid4().hex[:8]}"
    case_id = await allocated_case(intake, site_id, therapist)
    await course_when(scheduling, case_id)
    path = f"/cases/{case_id}/course"
    plan = {
        "first_date": next_monday().isoformat(),
        "weekday": "monday",
        "local_time": "10:00",
        "mode": "room",
        "room_id": "room-1",
    }
    course = (await scheduling.post(f"{path}/plan", json=plan)).json()
    assert len([s for s in course["sessions"] if s["status"] == "booked"]) == 16

    first, second = live(course, 1), live(course, 2)
    attended = {"attendance_code": "5"}
    one = await scheduling.post(
        f"{path}/sessions/{first['session_id']}/attendance",
        json=attended,
        headers=at(first["starts_at"]),
    )
    assert one.status_code == 200, one.text
    refused = await scheduling.post(
        f"{path}/sessions/{second['session_id']}/attendance",
        json=attended,
        headers=at(second["starts_at"]),
    )
    assert refused.status_code == 409
    assert "therapy_contract and confidentiality_agreement" in refused.json()["detail"]

    # Intake records the first attended session on the case (its consumer); a staff command
    # on the case at that very moment would get 409 and have to retry: sign after it.
    case = await _intake_case_when(intake, case_id, lambda c: c["first_treatment_on"])
    assert case["first_treatment_on"] == first["local_start"][:10]
    await sign_consents(intake, case_id)
    await course_when(scheduling, case_id, lambda c: not c["missing_consents"])
    two = await scheduling.post(
        f"{path}/sessions/{second['session_id']}/attendance",
        json=attended,
        headers=at(second["starts_at"]),
    )
    assert two.status_code == 200, two.text

    third = live(two.json(), 3)
    cancelled = await scheduling.post(
        f"{path}/sessions/{third['session_id']}/cancellation", json={"attendance_code": "2"}
    )
    assert cancelled.status_code == 200, cancelled.text
    rebooked = live(cancelled.json(), 3)
    assert rebooked["session_id"] == cancelled.json()["rebooked_session_id"]
    assert rebooked["replaces_session_id"] == third["session_id"]

    fifth = live(cancelled.json(), 5)
    day = fifth["local_start"][:10]
    broken = await scheduling.post(
        f"{path}/breaks",
        json={"starts_on": day, "ends_on": day, "kind": "therapist_leave", "description": "course"},
    )
    assert broken.status_code == 201 and broken.json()["sessions_moved"] == 12
    course = broken.json()
    assert live(course, 16)["local_start"][11:] == "10:00"

    replayed = await _replay_when(
        audit,
        case_id,
        lambda s: (  # the ledger takes intake's and scheduling's topics in no fixed order
            len(s.get("course", {}).get("sessions", {})) == len(course["sessions"])
            and s["course"]["breaks"]
            and s.get("first_treatment_on") is not None
        ),
    )
    shown = replayed["course"]["sessions"]
    for session in course["sessions"]:
        assert shown[session["session_id"]]["attendance_code"] == session["attendance_code"]
        assert shown[session["session_id"]]["local_start"] == session["local_start"]
    assert replayed["first_treatment_on"] == case["first_treatment_on"]


async def test_the_ics_feed_parses_and_keeps_local_time_across_the_october_change(
    intake, scheduling
):
    site_id, therapist = await site_with_room(scheduling), f"t-{uuid4().hex[:8]}"
    case_id = await allocated_case(intake, site_id, therapist)
    await course_when(scheduling, case_id)
    clock = {"X-Clock": "2027-09-01T08:00:00+00:00"}
    plan = {"first_date": "2027-10-11", "local_time": "10:00", "mode": "video", "sessions": 6}
    planned = await scheduling.post(f"/cases/{case_id}/course/plan", json=plan, headers=clock)
    assert planned.status_code == 200, planned.text
    feed = await scheduling.get(
        f"/therapists/{therapist}/calendar.ics", headers={"X-Clock": "2027-10-01T08:00:00+00:00"}
    )
    assert feed.headers["content-type"].startswith("text/calendar")
    events = sorted(
        Calendar.from_ical(feed.content).walk("VEVENT"), key=lambda e: e.decoded("dtstart")
    )
    starts = [e.decoded("dtstart") for e in events]
    assert len(starts) == 6 and {s.strftime("%H:%M") for s in starts} == {"10:00"}
    assert {str(s.tzinfo) for s in starts} == {"Europe/London"}
    utc_hours = [s.utcoffset().total_seconds() // 3600 for s in starts]
    assert utc_hours[:3] == [1, 1, 1] and utc_hours[3:] == [0, 0, 0]  # BST, then GMT
    assert all(case_id in str(e["summary"]) for e in events)
    assert "Osric" not in feed.text


async def test_concurrent_plans_over_http_book_one_slot_and_refuse_the_rest_naming_it(
    intake, scheduling
):
    site_id, therapist = await site_with_room(scheduling), f"t-{uuid4().hex[:8]}"
    cases = [await allocated_case(intake, site_id, therapist) for _ in range(8)]
    for case_id in cases:
        await course_when(scheduling, case_id)
    plan = {"first_date": next_monday(3).isoformat(), "local_time": "11:00", "mode": "phone"}
    answers = await asyncio.gather(
        *(scheduling.post(f"/cases/{c}/course/plan", json=plan) for c in cases)
    )
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7
    refusal = next(a for a in answers if a.status_code == 409).json()
    assert f"therapist {therapist} is booked at {plan['first_date']}T11:00" in refusal["detail"]
    week = await scheduling.get(
        f"/therapists/{therapist}/week", params={"start": plan["first_date"]}
    )
    assert len(week.json()) == 1


async def test_two_did_not_attends_put_the_course_at_risk_until_the_therapist_decides(
    intake, scheduling
):
    site_id, therapist = await site_with_room(scheduling), f"t-{uuid4().hex[:8]}"
    case_id = await allocated_case(intake, site_id, therapist)
    await course_when(scheduling, case_id)
    path = f"/cases/{case_id}/course"
    plan = {"first_date": next_monday(4).isoformat(), "local_time": "14:00", "mode": "video"}
    course = (await scheduling.post(f"{path}/plan", json=plan)).json()
    for number in (1, 2):
        session = live(course, number)
        answer = await scheduling.post(
            f"{path}/sessions/{session['session_id']}/attendance",
            json={"attendance_code": "3"},
            headers=at(session["starts_at"], 20),
        )
        assert answer.status_code == 200, answer.text
        course = answer.json()
    assert course["at_risk"] == [1, 2] and course["counts"]["did_not_attend"] == 2
    second = live(course, 2)
    rebooked = await scheduling.post(
        f"{path}/sessions/{second['session_id']}/rebooking",
        json={},
        headers=at(second["starts_at"], 60),
    )
    assert rebooked.status_code == 200, rebooked.text
    assert live(rebooked.json(), 2)["status"] == "booked"  # the DNA does not use session 2
    decided = await scheduling.post(f"{path}/decision", json={"decision": "continue"})
    assert decided.status_code == 200 and decided.json()["at_risk"] is None
    again = await scheduling.post(f"{path}/decision", json={"decision": "continue"})
    assert again.status_code == 409


async def _intake_case_when(intake, case_id, holds, seconds: float = 60) -> dict:
    for _ in range(int(seconds * 10)):
        case = (await intake.get(f"/cases/{case_id}")).json()
        if holds(case):
            return case
        await asyncio.sleep(0.1)
    raise AssertionError("intake's case never became as expected")


async def _replay_when(audit, case_id, holds, seconds: float = 90) -> dict:
    for _ in range(int(seconds * 4)):
        response = await audit.get(f"/cases/{case_id}/history")
        if response.status_code == 200 and holds(response.json()["state"]):
            return response.json()["state"]
        await asyncio.sleep(0.25)
    raise AssertionError("the audit replay never showed the course")
