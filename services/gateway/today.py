"""A therapist's today (composed view): the sessions of their diary this week, today's
marked, each with its phase, room or remote, whether the pre-session form came back and its
scores, the case's open risk flags, and the client's name. The diary needs `diary.read` on
the therapist; each case's part is shown only when the policy table allows its own action on
that case (case.read for the name, forms.read, risk.read), else named in `withheld`."""

import asyncio
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from services.gateway.caseparts import (
    LONDON,
    allows,
    cases_of,
    forms_of,
    record_views,
    scope_of,
)
from services.gateway.policy import Scope
from services.gateway.proxy import handler_for
from services.gateway.routes import Route
from services.gateway.upstream import Upstream, passed_through
from shared.http_errors import invalid
from shared.identity import Identity

TODAY = Route("GET", "gateway", "/therapists/{therapist_id}/today", "diary.read", "therapist")
# The forms of the week's sessions in one lookup; per site of the cases, its open risk flags
FORMS = ("forms", "/forms", "forms.read")
FLAGS = ("forms", "/sites/{site_id}/risk-flags", "risk.read")
FLAG_FIELDS = ("flag_id", "level", "codes", "escalated", "raised_at", "age_seconds")
FORM_FIELDS = ("form_id", "status", "submitted_at", "phq9", "gad7", "wsas", "phq9_band",
               "gad7_band", "risk_level")  # fmt: skip
Week = Annotated[date | None, Query(description="a day of the week to show; this week if none")]
router = APIRouter()


async def therapist_today(request: Request, who: Identity, scope: Scope) -> Response:
    upstream: Upstream = request.app.state.upstream
    day = datetime.now(LONDON).date()
    week = request.query_params.get("week")
    try:
        asked = date.fromisoformat(week) if week else day
    except ValueError:
        return invalid("query.week", "a date, YYYY-MM-DD")
    monday = asked - timedelta(days=asked.weekday())
    path = f"/therapists/{quote(str(scope.therapist_id), safe='')}/week"
    diary = await upstream.send("scheduling", "GET", path, who, f"start={monday}".encode())
    if diary.status_code != 200:
        return passed_through(diary)
    rows = [r for r in diary.json() if r["kind"] == "session" and r["case_id"]]
    cases = await cases_of(upstream, sorted({r["case_id"] for r in rows}), who.correlation_id)
    parts, withheld = await _parts(upstream, who, cases, rows)
    sessions = [_session(r, cases.get(r["case_id"]), parts, who, day) for r in rows]
    sessions.sort(key=lambda s: s["starts_at"])
    await record_views(request, who, TODAY, {c: case.get("site_id") for c, case in cases.items()})
    return JSONResponse({"therapist_id": scope.therapist_id, "today": day.isoformat(),
                         "week_of": monday.isoformat(), "withheld": sorted(withheld),
                         "sessions": sessions})  # fmt: skip


Parts = dict[tuple[str, str], Any]


async def _parts(upstream: Upstream, who: Identity, cases: dict[str, Any],
                 rows: list[dict[str, Any]]) -> tuple[Parts, set[str]]:  # fmt: skip
    """(part, case id) -> what the caller may see of it: the forms of the case's sessions in
    the week, its open flags."""
    formed, flagged = (sorted(c for c, case in cases.items()
                              if allows(who, action, scope_of(c, case)))
                       for action in (FORMS[2], FLAGS[2]))  # fmt: skip
    withheld = {
        a for a, shown in ((FORMS[2], formed), (FLAGS[2], flagged)) if len(shown) < len(cases)
    }
    sites = sorted({cases[c]["site_id"] for c in flagged})
    flag_paths = [FLAGS[1].format(site_id=quote(site, safe="")) for site in sites]
    flags = asyncio.gather(*(upstream.send("forms", "GET", path, who) for path in flag_paths))
    sessions: dict[str, list[str]] = {c: [] for c in formed}
    for row in (r for r in rows if r["case_id"] in sessions):
        sessions[row["case_id"]].append(row["reservation_id"])
    forms, answers = await asyncio.gather(forms_of(upstream, sessions, who.correlation_id), flags)
    found: Parts = {("forms", c): forms.get(c, []) for c in formed}
    found |= {("risk_flags", c): [] for c in flagged}
    listed = (answer.json() if answer.status_code == 200 else [] for answer in answers)
    for flag in (f for each in listed for f in each):
        if ("risk_flags", str(flag["case_id"])) in found:
            found["risk_flags", str(flag["case_id"])].append({k: flag[k] for k in FLAG_FIELDS})
    return found, withheld


def _session(
    row: dict[str, Any], case: dict[str, Any] | None, parts: Parts,
    who: Identity, day: date,
) -> dict[str, Any]:  # fmt: skip
    case_id = row["case_id"]
    named = case is not None and allows(who, "case.read", scope_of(case_id, case))
    forms = parts.get(("forms", case_id))
    flags = parts.get(("risk_flags", case_id))
    form = next((f for f in forms or [] if f["session_id"] == row["reservation_id"]
                 and f["purpose"] == "pre_session"), None)  # fmt: skip
    starts = datetime.fromisoformat(row["starts_at"]).astimezone(LONDON)
    return {
        "session_id": row["reservation_id"], "case_id": case_id,
        "client_name": (case or {}).get("client", {}).get("name") if named else None,
        "session_number": row["session_number"], "phase": row["phase"],
        "status": row["status"], "attendance_code": row["attendance_code"],
        "site_id": row["site_id"], "mode": row["mode"], "room_id": row["room_id"],
        "remote": row["mode"] != "room", "starts_at": row["starts_at"],
        "ends_at": row["ends_at"], "today": starts.date() == day,
        "form": None if forms is None else _form(form),
        "open_risk_flags": flags,
    }  # fmt: skip


def _form(form: dict[str, Any] | None) -> dict[str, Any]:
    """The session's pre-session form: whether it came back, and its scores."""
    if form is None:
        return {"issued": False, "returned": False}
    return {"issued": True, "returned": form["status"] == "completed",
            **{k: form[k] for k in FORM_FIELDS}}  # fmt: skip


_handle = handler_for(TODAY, therapist_today)


@router.get(TODAY.gateway_path, tags=["gateway"], responses={403: {}, 401: {}})
async def today_of_a_therapist(request: Request, therapist_id: str, week: Week = None) -> Any:
    """The therapist's sessions this week (today's marked), each with its phase, room or
    remote, the pre-session form (whether it came back, its scores), the case's open risk
    flags and the client's name, each part as far as the caller may see it (permission
    `diary.read`; a part withheld is named)."""
    return await _handle(request)
