"""Folds of the scheduling service's events (shared/contracts/scheduling.py): a case's course
of therapy as the auditor's replay shows it: its plan, every session with its number, phase,
times (UTC and the site's wall clock), attendance code and history of moves, the breaks, the
consent gate, the course at risk and the therapist's decisions, and how it ended.

The events carry what the replay needs (ids, codes, times); descriptions of breaks and
closures stay in the scheduling store. Site events (no case) fold into a `site` state.
"""

from typing import Any

from services.audit.folds import Envelope, State, folds


def _course(state: State) -> dict[str, Any]:
    return state.setdefault(
        "course", {"sessions": {}, "breaks": [], "decisions": [], "status": "awaiting_plan"}
    )


@folds("scheduling.CourseOpened")
def _opened(state: State, event: Envelope) -> None:
    data = event["data"]
    _course(state).update(
        course_id=data["course_id"],
        site_id=data["site_id"],
        therapist_id=data["therapist_id"],
        allocated_on=data["allocated_on"],
    )


@folds("scheduling.CoursePlanned", "scheduling.CourseReplanned")
def _planned(state: State, event: Envelope) -> None:
    course = _course(state)
    plan = {k: v for k, v in event["data"].items() if k not in ("case_id", "course_id")}
    course.setdefault("plans", []).append(plan)
    course["status"] = "planned"


@folds("scheduling.CoursePlanBackdated")
def _backdated(state: State, event: Envelope) -> None:
    """Entered after it began, from paper records: by whom, when and why stay in the replay."""
    data = event["data"]
    _course(state)["backdated"] = {
        "first_date": data["first_date"],
        "reason": data["reason"],
        "by": event["actor"]["id"],
        "recorded_at": event["occurred_at"],
    }


@folds("scheduling.SessionBooked")
def _booked(state: State, event: Envelope) -> None:
    data = event["data"]
    _course(state)["sessions"][data["session_id"]] = {
        **{
            k: data[k]
            for k in (
                "session_number",
                "phase",
                "starts_at",
                "ends_at",
                "local_start",
                "time_zone",
                "therapist_id",
                "mode",
                "room_id",
            )
        },
        "replaces_session_id": data.get("replaces_session_id"),
        "status": "booked",
        "attendance_code": "0",
        "history": [],
    }


@folds("scheduling.SessionMoved")
def _moved(state: State, event: Envelope) -> None:
    data = event["data"]
    session = _course(state)["sessions"][data["session_id"]]
    session["history"].append(
        {
            "was": session["local_start"],
            "now": data["local_start"],
            "why": data["reason"],
            "by": event["actor"]["id"],
        }
    )
    for key in ("starts_at", "ends_at", "local_start", "therapist_id", "mode", "room_id"):
        session[key] = data[key]


@folds("scheduling.SessionCancelled")
def _cancelled(state: State, event: Envelope) -> None:
    data = event["data"]
    session = _course(state)["sessions"][data["session_id"]]
    session.update(
        status="cancelled",
        attendance_code=data["attendance_code"],
        rebooked_session_id=data["rebooked_session_id"],
    )


@folds("scheduling.AttendanceRecorded")
def _attended(state: State, event: Envelope) -> None:
    data = event["data"]
    session = _course(state)["sessions"][data["session_id"]]
    session.update(
        status="held", attendance_code=data["attendance_code"], recorded_by=event["actor"]["id"]
    )


@folds("scheduling.DidNotAttendDiscounted")
def _discounted(state: State, event: Envelope) -> None:
    data = event["data"]
    session = _course(state)["sessions"][data["session_id"]]
    session.update(status="discounted", rebooked_session_id=data["rebooked_session_id"])


@folds("scheduling.BreakPlanned")
def _break(state: State, event: Envelope) -> None:
    data = event["data"]
    _course(state)["breaks"].append(
        {k: data[k] for k in ("break_id", "starts_on", "ends_on", "kind", "sessions_moved")}
    )


@folds("scheduling.ConsentGateChanged")
def _consent_gate(state: State, event: Envelope) -> None:
    data = event["data"]
    _course(state).update(
        missing_consents=data["missing_consents"], treatment_withdrawn=data["treatment_withdrawn"]
    )


@folds("scheduling.CourseAtRisk", "scheduling.RiskDecisionRecorded")
def _risk(state: State, event: Envelope) -> None:
    course, data = _course(state), event["data"]
    if event["type"].endswith("AtRisk"):
        course["at_risk"] = data["session_numbers"]
        return
    course["decisions"].append(
        {"decision": data["decision"], "at_risk": course.get("at_risk"), "by": event["actor"]["id"]}
    )
    course["at_risk"] = None


@folds("scheduling.CourseReallocated")
def _reallocated(state: State, event: Envelope) -> None:
    data = event["data"]
    course = _course(state)
    course["therapist_id"] = data["therapist_id"]
    for session_id in data["to_rebook"]:
        course["sessions"][session_id].update(therapist_id=data["therapist_id"], to_rebook=True)


@folds("scheduling.CourseClosed", "scheduling.CourseCompleted")
def _ended(state: State, event: Envelope) -> None:
    course, data = _course(state), event["data"]
    course["status"] = "completed" if event["type"].endswith("Completed") else "closed"
    course["ended"] = {k: v for k, v in data.items() if k not in ("case_id", "course_id")}


@folds("scheduling.SiteRegistered", "scheduling.RoomAdded", "scheduling.ClosurePlanned")
def _site(state: State, event: Envelope) -> None:
    site = state.setdefault("site", {"rooms": [], "closures": []})
    data = event["data"]
    if event["type"].endswith("SiteRegistered"):
        site.update(
            site_id=data["site_id"],
            time_zone=data["time_zone"],
            opening_hours=data["opening_hours"],
        )
    elif event["type"].endswith("RoomAdded"):
        site["rooms"].append(data["room_id"])
    else:
        site["closures"].append({k: data[k] for k in ("closure_id", "starts_on", "ends_on")})
