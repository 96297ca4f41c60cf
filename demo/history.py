"""The courses the site brought with it when it went live on Rapport, entered from their
paper records and then held to their end: one client completes all 16 sessions and gives
feedback, one stops coming (two did-not-attends, the course at risk, the supervisor's
decision) and ends early.

Scheduling's plan refuses a first session in the past, so these courses are entered the one
way a real site would: the site manager's back-dated plan (reason held_before_go_live,
services/scheduling/backdating.py), which the ledger records with who and when. Their
sessions have started on the real clock, so attendance is recorded under the ordinary
rules, the consents first. Nothing here moves a clock.
"""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from demo.gateway import Refused
from demo.planning import first_free
from demo.sitetime import site_today

if TYPE_CHECKING:
    from demo.month import Month

# name, weeks since the referral, since the first session (assessed two weeks after the
# referral, allocated three weeks before that session, which falls up to two weeks earlier)
CARRIED_OVER = (("Ines Archive", 26, 20), ("Jon Ledger", 14, 7))
STEPS_PER_CLIENT = 5


def weeks_ago(month: "Month", weeks: int) -> date:
    return month.today - timedelta(weeks=weeks)


async def carried_over(month: "Month", index: int) -> None:
    """A client whose course began before go-live: referral, assessment and allocation dated
    then (intake takes past dates), the site manager's back-dated plan, the consents."""
    name, referred, started = CARRIED_OVER[index]
    g, site = month.gateway, month.gateway.site
    client = {"name": name, "phone": f"07700 900{200 + index}"}
    direct = {"referral_source": "gp", "referral_date": weeks_ago(month, referred).isoformat(),
              "site_id": site, "client": client}  # fmt: skip
    case_id = str((await g.call("intake_worker", "POST", "/intake/referrals", direct))["case_id"])
    path, assessed = f"/intake/cases/{case_id}", weeks_ago(month, referred - 2)
    booking = {
        "scheduled_for": f"{assessed}T10:00:00+00:00",
        "assessor_id": f"assessor-{month.run}",
    }
    await g.call("intake_worker", "POST", f"{path}/assessment", booking)
    outcome = {"suitable": True, "assessed_on": assessed.isoformat(), "reason": "Suitable for DIT."}
    await g.call("intake_worker", "POST", f"{path}/assessment/outcome", outcome)
    allocation = {"therapist_id": g.users["therapist"],
                  "allocated_on": weeks_ago(month, started + 3).isoformat()}  # fmt: skip
    await g.call("intake_worker", "POST", f"{path}/allocation", allocation)
    month.history.append(case_id)
    await backdated(month, case_id, started)


async def backdated(month: "Month", case_id: str, started: int) -> None:
    """The site manager enters the course from its paper records, at the weekly time it had:
    the therapist's diary is shared with other runs, so a taken time is tried at the next."""
    from demo.month import until

    g, path = month.gateway, f"/scheduling/cases/{case_id}/course"

    async def opened() -> Any:
        answer = await g.http.get(path, headers=await g.headers("therapist"))
        return answer.status_code == 200

    await until(opened, "the course opened by the allocation")
    first = weeks_ago(month, started + 2)  # a week or two either side of when it began
    monday = first - timedelta(days=first.weekday())
    plan = {"mode": "video", "reason": "held_before_go_live"}
    day, at, course = await first_free(month, len(month.history), monday, 3,
                                       f"{path}/backdated-plan", plan, "site_manager")  # fmt: skip
    month.courses[case_id] = course
    month.did.append(
        f"a course held since {day.isoformat()} at {at}, before go-live, entered "
        f"by site_manager.{g.site}: back-dated, with who and why in the ledger"
    )


async def consented(month: "Month", case_id: str) -> None:
    """The contract and confidentiality agreement, signed on paper at the first session."""
    from demo.month import until

    g, first = month.gateway, held_sessions(month.courses[case_id])[0]
    for kind, version in month.templates_.items():
        consent = {"document": kind, "template_version": version, "method": "paper_scanned",
                   "witnessed_by": g.users["therapist"],
                   "signed_at": first["starts_at"]}  # fmt: skip
        await g.call("intake_worker", "POST", f"/intake/cases/{case_id}/consents", consent)

    async def gate_open() -> Any:  # scheduling learns of them from intake's events
        course = await g.call("therapist", "GET", f"/scheduling/cases/{case_id}/course")
        return not course["missing_consents"]

    await until(gate_open, "scheduling's view of the consents")


def held_sessions(course: dict[str, Any]) -> list[dict[str, Any]]:
    """The booked sessions that have started by now, in order."""
    now = datetime.now().astimezone()
    booked = [s for s in course["sessions"] if s["status"] == "booked"]
    return [s for s in booked if datetime.fromisoformat(s["starts_at"]) <= now]


async def attended(month: "Month", case_id: str, code: str, session: dict[str, Any]) -> Any:
    path = f"/scheduling/cases/{case_id}/course/sessions/{session['session_id']}/attendance"
    course = await month.gateway.call("therapist", "POST", path, {"attendance_code": code})
    month.courses[case_id] = course
    return course


async def completed(month: "Month", case_id: str) -> None:
    """Every session attended, from the notes: the 16th completes the course."""
    past = held_sessions(month.courses[case_id])
    if len(past) != 16:
        raise Refused(f"the course of case {case_id} has {len(past)} of 16 sessions held by now")
    for session in past:
        course = await attended(month, case_id, "5", session)
    if course["status"] != "completed":
        raise Refused(f"the course of case {case_id} is {course['status']} after 16 sessions")
    month.did.append("a course completed: 16 sessions attended (the 16th recorded today)")


async def feedback_and_discharge(month: "Month", case_id: str) -> None:
    """The PEQ that forms issues at completion, answered through the client's link, then the
    therapist's discharge with code 46 (mutually agreed completion)."""
    from demo.month import until

    g = month.gateway

    async def peq() -> Any:
        forms = await g.call("therapist", "GET", f"/forms/cases/{case_id}/forms")
        return next((f for f in forms if f["purpose"] == "feedback"), None)

    form = await until(peq, "the feedback questionnaire issued at completion")
    url = (await g.call("therapist", "GET", f"/forms/forms/{form['form_id']}/link"))["url"]
    token = url.rsplit("/f/", 1)[1]
    answers = {f"peq-{n}": "4" for n in range(1, 6)}
    answers |= {"peq-6": "yes", "peq-7": "na", "peq-8": "3", "peq-9": "Thank you"}
    body = {"form_id": form["form_id"],
            "responses": [{"questionnaire": "peq", "version": 1, "answers": answers}]}  # fmt: skip
    await g.call("client", "POST", f"/forms/f/{token}/response", body)
    await discharged(month, case_id, "46", "course_completed")
    month.did.append("feedback (PEQ) given through the client's link; discharged with code 46")


async def stopped_coming(month: "Month", case_id: str) -> None:
    """Attended until the last two sessions held by now, which the client missed: the course
    is at risk, the supervisor recommends discharge, the therapist discharges (code 47)."""
    past = held_sessions(month.courses[case_id])
    if len(past) < 4:
        raise Refused(f"the course of case {case_id} has only {len(past)} sessions held by now")
    for session in past[:-2]:
        await attended(month, case_id, "5", session)
    for session in past[-2:]:
        course = await attended(month, case_id, "3", session)
    if not course["at_risk"]:
        raise Refused(f"two did-not-attends did not put the course of case {case_id} at risk")
    decision = {"decision": "recommend_discharge"}
    path = f"/scheduling/cases/{case_id}/course/decision"
    await month.gateway.call("supervisor", "POST", path, decision)
    await discharged(month, case_id, "47", "first_treatment_on")
    month.did.append(f"a client stopped coming: {len(past) - 2} sessions attended, two "
                     "did-not-attends, course at risk, supervisor recommended discharge, "
                     "ended early (code 47)")  # fmt: skip


async def discharged(month: "Month", case_id: str, code: str, known: str) -> None:
    from demo.month import until

    g = month.gateway

    async def recorded() -> Any:  # intake learns of the attendance from scheduling's events
        return (await g.call("therapist", "GET", f"/intake/cases/{case_id}")).get(known)

    await until(recorded, f"intake's {known.replace('_', ' ')}")
    ending = {"ending_code": code, "discharged_on": site_today().isoformat()}
    await g.call("therapist", "POST", f"/intake/cases/{case_id}/discharge", ending)
