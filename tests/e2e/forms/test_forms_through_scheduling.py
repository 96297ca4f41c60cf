"""Through the real services: a course planned in scheduling (for a case allocated in intake)
issues a pre-session form for each of its 16 sessions; a session cancelled in scheduling
cancels its form; the client's link to the first form flags PHQ-9 item 9 for the site, listed
until the duty clinician acknowledges it, and the audit replay of the case shows both."""

import asyncio
from uuid import uuid4

import httpx

from tests.e2e.forms.steps import answers, client_link, eventually
from tests.e2e.scheduling_steps import (
    allocated_case,
    course_when,
    live,
    next_monday,
    site_with_room,
)


async def test_a_planned_course_issues_forms_and_a_risk_flag_reaches_the_ledger(
    intake, scheduling, forms, audit
) -> None:
    site_id = await site_with_room(scheduling)
    case_id = await allocated_case(intake, site_id, f"t-{uuid4().hex[:8]}")
    await course_when(scheduling, case_id)
    plan = {"first_date": next_monday().isoformat(), "weekday": "monday",
            "local_time": "10:00", "mode": "room", "room_id": "room-1"}  # fmt: skip
    course = (await scheduling.post(f"/cases/{case_id}/course/plan", json=plan)).json()
    first, third = live(course, 1), live(course, 3)

    async def all_issued():  # type: ignore[no-untyped-def]
        found = (await forms.get(f"/cases/{case_id}/forms")).json()
        return found if len(found) == 16 else None

    issued = await eventually(all_issued)
    assert {f["session_number"] for f in issued} == set(range(1, 17))
    assert all(f["status"] == "issued" for f in issued)

    cancel = {"attendance_code": "2"}
    path = f"/cases/{case_id}/course/sessions/{third['session_id']}/cancellation"
    assert (await scheduling.post(path, json=cancel)).status_code == 200

    async def cancelled():  # type: ignore[no-untyped-def]
        found = (await forms.get(f"/cases/{case_id}/forms")).json()
        return any(f["session_id"] == third["session_id"] and f["status"] == "cancelled"
                   for f in found)  # fmt: skip

    await eventually(cancelled)

    form = next(f for f in issued if f["session_id"] == first["session_id"])
    link = await client_link(forms, form["form_id"])
    async with httpx.AsyncClient(base_url=forms.base_url) as client:  # the client: no login
        body = {"form_id": form["form_id"], "responses": answers(item9=1)}
        assert (await client.post(f"{link}/response", json=body)).status_code == 201

    async def flagged():  # type: ignore[no-untyped-def]
        return (await forms.get(f"/sites/{site_id}/risk-flags")).json() or None

    [flag] = await eventually(flagged, seconds=5)
    await asyncio.sleep(1)
    assert [f["flag_id"] for f in (await forms.get(f"/sites/{site_id}/risk-flags")).json()] == [
        flag["flag_id"]
    ]  # still listed: nobody has acknowledged it
    acknowledgement = {"action": "safety_plan_reviewed", "note": "Reviewed the safety plan."}
    ack = await forms.post(f"/risk-flags/{flag['flag_id']}/acknowledgement", json=acknowledgement)
    assert ack.status_code == 200
    assert (await forms.get(f"/sites/{site_id}/risk-flags")).json() == []

    async def replayed():  # type: ignore[no-untyped-def]
        history = (await audit.get(f"/cases/{case_id}/history")).json()
        flags = history.get("state", {}).get("risk_flags", {})
        done = flags.get(flag["flag_id"], {}).get("status") == "inactive"
        return history if done else None

    history = await eventually(replayed, seconds=60)
    types = [e["type"] for e in history["events"]]
    assert "forms.RiskFlagRaised" in types and "forms.RiskFlagAcknowledged" in types
    assert "scheduling.SessionBooked" in types and "intake.TherapistAllocated" in types
    assert history["all_proven"]
