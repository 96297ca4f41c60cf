"""One client through the whole course, as the staff apps and the client's phone drive it:
referral, assessment, waiting list, allocation, course plan, contract and confidentiality
agreement signed in session 1, a form before every session by the client's link with scores
that improve, a risk flag at session 3 acknowledged by the duty clinician, the IPAF agreed by
session 4 and revised once, a planned break across the October clock change, a cancellation
rebooked, a did-not-attend rebooked, all 16 sessions attended, the goodbye letter in the
ending phase, feedback, discharge with code 46; then the auditor's replay and the offline
verifier. Staff go through the gateway with real Keycloak tokens; only scheduling's commands
that need its test clock go straight to it (tests/support/course.py says why)."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.gateway_support import new_staff, with_gateway
from tests.support import course as c
from tests.support.stack import ROOT, Stack

AUDITOR, ADMIN = "auditor.north", "admin.north"  # neither is held to a site


async def test_a_client_s_whole_course_is_in_every_service_and_proven_by_the_ledger(
    stack: Stack, tmp_path: Path
):
    await with_gateway(stack, "scheduling", "forms")
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as http:
        staff = c.Staff(http, *[await new_staff(r, c.SITE) for r in c.Staff.AT_THE_SITE])
        clocked = c.Clocked(stack.url("scheduling"), staff.therapist)
        earlier = await staff.call(AUDITOR, "GET", "/audit/checkpoints/latest")
        await staff.call(ADMIN, "POST", "/scheduling/sites", {"site_id": c.SITE, "name": "Course"},
                         status=(201, 409))  # fmt: skip
        year, weekday, at = c.random_slot()
        start = c.first_session_day(year, weekday)
        case_id = await referred_to_allocated(staff, start)
        course = await planned(staff, clocked, case_id, year, weekday, at)
        course = await held(staff, clocked, case_id, course)
        ended = await discharged(staff, case_id, course)
        await audited(staff, case_id, ended, earlier, tmp_path)


async def referred_to_allocated(staff: c.Staff, start: Any) -> str:
    day = lambda weeks: (start - c.timedelta(weeks=weeks)).isoformat()  # noqa: E731
    referral = {"referral_source": "gp", "referral_date": day(12), "site_id": c.SITE,
                "client": {"name": "Ada Example", "phone": "07700 900123"}}  # fmt: skip
    case_id = (await staff.call(staff.intake, "POST", "/intake/referrals", referral))["case_id"]
    path = f"/intake/cases/{case_id}"
    booked = {"scheduled_for": f"{day(10)}T09:00:00+00:00", "assessor_id": f"a-{case_id[:8]}"}
    await staff.call(staff.intake, "POST", f"{path}/assessment", booked)
    outcome = {"suitable": True, "reason": "Suitable for DIT.", "assessed_on": day(10)}
    await staff.call(staff.intake, "POST", f"{path}/assessment/outcome", outcome)
    waiting = await staff.call(staff.intake, "GET", f"/intake/sites/{c.SITE}/waiting-list")
    assert case_id in [w["case_id"] for w in waiting]
    await staff.call(staff.intake, "POST", f"{path}/allocation",
                     {"therapist_id": staff.therapist, "allocated_on": day(4)})  # fmt: skip
    return str(case_id)


async def planned(staff: c.Staff, clocked: c.Clocked, case_id: str, year: int, weekday: int,
                  at: str) -> dict[str, Any]:  # fmt: skip
    path = f"/scheduling/cases/{case_id}/course"

    async def opened() -> Any:
        answer = await staff.gateway.get(path, headers=await staff.headers(staff.therapist))
        staff.count(staff.therapist, "GET", path, answer.status_code)
        return answer.json() if answer.status_code == 200 else None

    await c.eventually(opened, "the course opened by the allocation", 90)
    start = c.first_session_day(year, weekday)
    plan = {"first_date": start.isoformat(), "local_time": at, "mode": "video"}
    clock = {"X-Clock": c.noon(start - c.timedelta(14)).isoformat()}
    answer = await clocked.http.post(f"/cases/{case_id}/course/plan", json=plan, headers=clock)
    assert answer.status_code == 200, answer.text
    course = answer.json()
    assert len([s for s in course["sessions"] if s["status"] == "booked"]) == 16
    return course  # type: ignore[no-any-return]


async def held(staff: c.Staff, clocked: c.Clocked, case_id: str,
               course: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    path = f"/cases/{case_id}/course"
    for number in range(1, 17):
        session = c.live(course, number)
        if number == 5:  # the client cancels the day before: rebooked that week
            cancel = {"attendance_code": "2"}
            day_before = c.after(session["starts_at"], -24 * 60)
            sid = session["session_id"]
            course = await clocked.post(f"{path}/sessions/{sid}/cancellation", cancel, day_before)
            rebooked = c.live(course, 5)
            assert rebooked["session_id"] == course["rebooked_session_id"] != session["session_id"]
            session = rebooked
        await form_filled(staff, case_id, session, number)
        if number == 1:
            await consents_signed(staff, case_id, session)
        if number == 7:  # did not attend; the therapist rebooks it rather than lose it
            session, course = await not_attended_then_rebooked(staff, clocked, case_id, session)
        attended = {"attendance_code": "5"}
        course = await clocked.post(f"{path}/sessions/{session['session_id']}/attendance",
                                    attended, c.after(session["starts_at"], 50))  # fmt: skip
        await clinical_step(staff, clocked, case_id, number, session)
    assert course["status"] == "completed", course
    assert course["counts"]["attended"] == 16 and course["counts"]["did_not_attend"] == 1
    return course


async def form_filled(staff: c.Staff, case_id: str, session: dict[str, Any], number: int) -> None:
    """The client's link, sent afresh by the therapist (the first one expired with the
    session, long past), answered on the client's phone with no staff token."""

    async def issued() -> Any:
        forms = await staff.call(staff.therapist, "GET", f"/forms/cases/{case_id}/forms")
        return next((f for f in forms if f["session_id"] == session["session_id"]), None)

    form = await c.eventually(issued, f"the form before session {number}", 60)
    if form["status"] == "completed":  # a rebooked did-not-attend keeps its answered form
        return
    link = await staff.call(staff.therapist, "POST", f"/forms/forms/{form['form_id']}/link")
    token = link["url"].rsplit("/f/", 1)[1]
    phq9, gad7 = c.scores(number)
    body = {"form_id": form["form_id"],
            "responses": c.pre_session_answers(phq9, gad7, item9=int(number == 3))}  # fmt: skip
    await staff.call("client", "POST", f"/forms/f/{token}/response", body)


async def consents_signed(staff: c.Staff, case_id: str, session: dict[str, Any]) -> None:
    signed_at = c.after(session["starts_at"], 5).isoformat()
    for document in ("therapy_contract", "confidentiality_agreement"):
        text = {"title": document, "text": f"The {document} of the north centre."}
        template = await staff.call(ADMIN, "POST", f"/intake/templates/{document}/versions", text)
        consent = {"document": document, "template_version": template["version"],
                   "witnessed_by": staff.therapist, "method": "electronic",
                   "signed_at": signed_at}  # fmt: skip
        await staff.call(staff.intake, "POST", f"/intake/cases/{case_id}/consents", consent)


async def not_attended_then_rebooked(staff: c.Staff, clocked: c.Clocked, case_id: str,
                                     session: dict[str, Any]) -> tuple[dict, dict]:  # fmt: skip
    path = f"/cases/{case_id}/course/sessions/{session['session_id']}"
    dna = await clocked.post(f"{path}/attendance", {"attendance_code": "3"},
                             c.after(session["starts_at"], 20))  # fmt: skip
    assert dna["counts"]["did_not_attend"] == 1
    course = await clocked.post(f"{path}/rebooking", {}, c.after(session["starts_at"], 60))
    again = c.live(course, 7)
    assert again["status"] == "booked" and again["starts_at"] > session["starts_at"]
    await form_filled(staff, case_id, again, 7)
    return again, course


async def clinical_step(staff: c.Staff, clocked: c.Clocked, case_id: str, number: int,
                        session: dict[str, Any]) -> None:  # fmt: skip
    on = c.local_day(session["starts_at"]).isoformat()
    path = f"/intake/cases/{case_id}"
    if number == 1:  # intake records the first treatment from scheduling's event
        case = await c.eventually(lambda: _case_if(staff, case_id, "first_treatment_on"),
                                  "intake's first treatment", 60)  # fmt: skip
        assert case["first_treatment_on"] == on

        async def consented() -> Any:
            course = await staff.call(staff.therapist, "GET", f"/scheduling/cases/{case_id}/course")
            return not course["missing_consents"]

        await c.eventually(consented, "scheduling's view of the consents", 60)
    if number == 2:
        await break_over_the_clock_change(clocked, case_id, session)
    if number == 3:
        await risk_acknowledged(staff, case_id)
    if number in (4, 10):
        affect = "Angry when left" if number == 4 else "Sad when left"
        await staff.call(
            staff.therapist, "POST", f"{path}/ipaf", {**IPAF, "agreed_on": on, "affect": affect}
        )
    if number == 14:
        letter = {"text": "Dear A, our sixteen weeks...", "letter_date": on}
        await staff.call(staff.therapist, "POST", f"{path}/goodbye-letter", letter)


IPAF = {"self_representation": "Unheard", "other_representation": "Busy, dismissive",
        "defensive_function": "Keeps others at a distance"}  # fmt: skip


async def _case_if(staff: c.Staff, case_id: str, field: str) -> Any:
    case = await staff.call(staff.intake, "GET", f"/intake/cases/{case_id}")
    return case if case.get(field) else None


async def break_over_the_clock_change(clocked: c.Clocked, case_id: str,
                                      session: dict[str, Any]) -> None:  # fmt: skip
    change = c.october_change(c.local_day(session["starts_at"]).year)
    away = {"starts_on": (change - c.timedelta(2)).isoformat(),
            "ends_on": (change + c.timedelta(5)).isoformat(),
            "kind": "client_holiday", "description": "Half-term with the children"}  # fmt: skip
    course = await clocked.post(f"/cases/{case_id}/course/breaks", away,
                                c.after(session["starts_at"], 60))  # fmt: skip
    assert course["sessions_moved"] > 0
    live = [c.live(course, n) for n in range(3, 17)]
    assert {s["local_start"][11:16] for s in live} == {c.live(course, 1)["local_start"][11:16]}
    offsets = {c.local_day(s["starts_at"]) > change: s["starts_at"][11:13] for s in live}
    assert offsets[False] != offsets[True]  # the same local time, an hour later in UTC
    assert not any(away["starts_on"] <= s["local_start"][:10] <= away["ends_on"] for s in live)


async def risk_acknowledged(staff: c.Staff, case_id: str) -> None:
    async def listed() -> Any:
        flags = await staff.call(staff.duty, "GET", f"/forms/sites/{c.SITE}/risk-flags")
        return [f for f in flags if f["case_id"] == case_id]

    [flag] = await c.eventually(listed, "the risk flag of session 3", 30)
    assert flag["codes"] == ["phq9_item9"]
    done = {"action": "contacted_client", "note": "Phoned; agreed a safety plan."}
    acknowledgement = f"/forms/risk-flags/{flag['flag_id']}/acknowledgement"
    await staff.call(staff.duty, "POST", acknowledgement, done)
    assert not await listed()


async def discharged(staff: c.Staff, case_id: str, course: dict[str, Any]) -> dict[str, Any]:
    async def feedback() -> Any:
        forms = await staff.call(staff.therapist, "GET", f"/forms/cases/{case_id}/forms")
        return next((f for f in forms if f["purpose"] == "feedback"), None)

    peq = await c.eventually(feedback, "the PEQ issued at completion", 60)
    token = (await staff.call(staff.therapist, "GET", f"/forms/forms/{peq['form_id']}/link"))["url"]
    answers = {f"peq-{n}": "4" for n in range(1, 6)}
    answers |= {"peq-6": "yes", "peq-7": "na", "peq-8": "3", "peq-9": "Thank you"}
    body = {"form_id": peq["form_id"],
            "responses": [{"questionnaire": "peq", "version": 1, "answers": answers}]}  # fmt: skip
    await staff.call("client", "POST", f"/forms/f/{token.rsplit('/f/', 1)[1]}/response", body)
    last = c.local_day(c.live(course, 16)["starts_at"]).isoformat()
    ending = {"ending_code": "46", "discharged_on": last}
    await staff.call(staff.therapist, "POST", f"/intake/cases/{case_id}/discharge", ending)
    case = await staff.call(staff.therapist, "GET", f"/intake/cases/{case_id}")
    first = c.date.fromisoformat(case["first_treatment_on"])
    waited = (first - c.date.fromisoformat(case["referral_date"])).days
    assert case["waiting"]["days_waited"] == waited and case["ending"]["code"] == "46"
    outcomes = await staff.call(staff.therapist, "GET", f"/forms/cases/{case_id}/outcomes")
    assert outcomes["sessions_attended"] == 16
    assert [p["phq9"] for p in outcomes["series"]] == sorted(
        (p["phq9"] for p in outcomes["series"]), reverse=True)  # fmt: skip
    measured = outcomes["outcome"]
    assert measured["reliable_improvement"] and measured["recovered"] and measured["finished"]
    assert not measured["reliable_deterioration"]
    return {"case": case, "course": course, "outcomes": outcomes}


async def audited(staff: c.Staff, case_id: str, shown: dict[str, Any], earlier: dict[str, Any],
                  folder: Path) -> None:  # fmt: skip
    """The replay as of a checkpoint, once it holds the whole course, equals what the
    services show; every event once (reads included); the case's bundle, with the auditor's
    earlier checkpoint chained in, passes the offline verifier."""

    reads = sum(n for user, n in staff.case_reads.items() if user != AUDITOR)
    shown["reads"] = reads

    async def replayed() -> Any:
        anchor = await staff.call(AUDITOR, "GET", "/audit/checkpoints/latest")
        answer = await staff.gateway.get(f"/audit/cases/{case_id}/history",
                                         params={"checkpoint": anchor["id"]},
                                         headers=await staff.headers(AUDITOR))  # fmt: skip
        history = answer.json() if answer.status_code == 200 else {"state": {}}
        lacking[:] = _missing(history, shown)
        return None if lacking else (anchor, history)

    lacking: list[str] = []
    try:
        anchor, history = await c.eventually(replayed, "the replay of the whole course", 120)
    except AssertionError:
        raise AssertionError(f"the replay lacks: {', '.join(lacking)}") from None
    state, course = history["state"], shown["course"]
    for session in course["sessions"]:
        assert state["course"]["sessions"][session["session_id"]]["attendance_code"] == (
            session["attendance_code"])  # fmt: skip
    assert state["ending"] == {"code": "46", "on": shown["case"]["ending"]["on"]}
    case = shown["case"]
    assert state["waited_days"] == case["waiting"]["days_waited"]
    assert state["first_treatment_on"] == case["first_treatment_on"]
    assert [r["agreed_on"] for r in state["ipaf"]] == [r["agreed_on"] for r in case["ipaf"]]
    assert len(state["ipaf"]) == 2 and len(state["goodbye_letters"]) == 1
    assert sorted(c["document"] for c in state["consents"]) == [
        "confidentiality_agreement", "therapy_contract"]  # fmt: skip
    assert [f["acknowledgement"]["action"] for f in state["risk_flags"].values()] == [
        "contacted_client"]  # fmt: skip
    for form in state["forms"].values():  # the scores the ledger holds are the ones shown
        if form["purpose"] == "pre_session" and form["status"] == "completed":
            number = form["session_number"]
            assert form["scores"]["phq9"] in [p["phq9"] for p in shown["outcomes"]["series"]]
            assert form["scores"]["phq9"] == c.scores(number)[0]
    ids = [e["event_id"] for e in history["events"]]
    assert len(ids) == len(set(ids)) and history["all_proven"]
    types = [e["type"] for e in history["events"]]
    timeline = await staff.call(staff.therapist, "GET", f"/intake/cases/{case_id}/timeline")
    assert sum(t.startswith("intake.") for t in types) == len(timeline)
    assert "gateway.CaseViewed" in types and "scheduling.CourseCompleted" in types

    bundle = await staff.call(AUDITOR, "GET", f"/audit/cases/{case_id}/bundle",
                              checkpoint=anchor["id"])  # fmt: skip
    assert {json.loads(e["envelope"])["event_id"] for e in bundle["entries"]} == set(ids)
    chained = await staff.call(AUDITOR, "GET", "/audit/proofs/consistency",
                               **{"from": earlier["id"], "to": anchor["id"]})  # fmt: skip
    bundle["checkpoints"].insert(0, {k: earlier[k] for k in bundle["checkpoints"][0]})
    bundle["consistency"].insert(0, {"from": earlier["id"], "to": anchor["id"],
                                     "proof": chained["proof"]})  # fmt: skip
    keys = await staff.call(AUDITOR, "GET", "/audit/checkpoints/public-key")
    (folder / "case.json").write_text(json.dumps(bundle))
    verified = subprocess.run(  # noqa: ASYNC221 (the auditor's own tool, once, at the end)
        [sys.executable, "services/audit/verifier.py", str(folder / "case.json"),
         "--public-key", keys["public_key"], "--witness-key", keys["witness_key"]],
        cwd=ROOT, capture_output=True, text=True, check=False)  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("valid"), verified.stdout


def _missing(history: dict[str, Any], shown: dict[str, Any]) -> list[str]:
    """What the replay lacks yet: the ledger takes the services' topics in no fixed order.
    (Scheduling closes the completed course again on the discharge: CourseClosed, nothing
    cancelled; so completion is its event, whatever the course's status by then.)"""
    state, types = history["state"], {e["type"] for e in history.get("events", [])}
    course, flags = state.get("course", {}), state.get("risk_flags", {})
    views = [v for v in state.get("views", []) if v["role"] != "auditor"]
    checks = {
        "discharge": state.get("status") == "discharged",
        "outcome": bool(state.get("outcome")),
        "sessions": len(course.get("sessions", {})) == len(shown["course"]["sessions"]),
        "completion": "scheduling.CourseCompleted" in types,
        "acknowledged flag": bool(flags) and all(f.get("acknowledgement") for f in flags.values()),
        f"{shown['reads']} staff reads (has {len(views)})": len(views) == shown["reads"],
    }
    return [name for name, ok in checks.items() if not ok]
