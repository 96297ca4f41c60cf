"""The course planner: plan or re-plan a course (weekday, time, room or remote, number of
sessions), add a planned break, cancel and rebook a session. What scheduling refuses (a
clash, a closure, a time outside the site's hours) is shown as it says it, on the planner."""

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.gateway.web.pages import LONDON, _row, signed_in
from services.gateway.web.render import page
from services.gateway.web.sessions import WebSession, form_of
from services.gateway.web.staffapi import ApiError, StaffApi
from services.gateway.web.state import web_router

router = web_router()
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
MODES = {"room": "in a room", "video": "remote: video", "phone": "remote: phone"}


def _course_path(case_id: str, action: str = "") -> str:
    return f"/scheduling/cases/{case_id}/course{action}"


async def planner(
    request: Request, session: WebSession, api: StaffApi, problem: Any = None, status: int = 200
) -> Response:
    case_id = request.path_params["case_id"]
    course = await api.get(_course_path(case_id))
    now = datetime.now(LONDON)
    sessions = [
        _row({**s, "reservation_id": s["session_id"], "case_id": case_id}, None, now)
        for s in course["sessions"]
    ]
    return page(
        request,
        "planner.html",
        session,
        status=status,
        case_id=case_id,
        course=course,
        sessions=sessions,
        weekdays=WEEKDAYS,
        modes=MODES,
        problem=problem,
    )


def _plan_body(form: dict[str, str], replan: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "local_time": form.get("local_time", ""),
        "mode": form.get("mode", "room"),
    }
    if form.get("room_id") and body["mode"] == "room":
        body["room_id"] = form["room_id"]
    if replan:
        body |= {"from_date": form.get("from_date", ""), "weekday": form.get("weekday", "")}
    else:
        body |= {
            "first_date": form.get("first_date", ""),
            "sessions": int(form.get("sessions") or 16),
        }
    return body


async def change(request: Request, session: WebSession, api: StaffApi) -> Response:
    """One handler for the planner's forms: which one is the form's `what`."""
    case_id, form = request.path_params["case_id"], await form_of(request)
    what, sid = form.get("what", ""), form.get("session_id", "")
    try:
        if what in ("plan", "replan"):
            if not (form.get("sessions") or "16").isdigit():
                return await planner(request, session, api, "sessions: a whole number", 422)
            await api.post(_course_path(case_id, f"/{what}"), _plan_body(form, what == "replan"))
        elif what == "break":
            await api.post(
                _course_path(case_id, "/breaks"),
                {k: form.get(k, "") for k in ("starts_on", "ends_on", "kind", "description")},
            )
        elif what in ("cancellation", "rebooking"):
            body: dict[str, Any] = {"rebook_at": form.get("rebook_at") or None}
            if what == "cancellation":
                body["attendance_code"] = form.get("attendance_code", "")
            await api.post(_course_path(case_id, f"/sessions/{sid}/{what}"), body)
        else:
            return await planner(request, session, api, "what: not a change of the planner", 422)
    except ApiError as refused:
        if refused.status == 403:
            raise
        return await planner(request, session, api, refused.detail, refused.status)
    return RedirectResponse(f"/web/cases/{case_id}/planner?done={what}", status_code=303)


router.add_api_route(
    "/cases/{case_id}/planner", signed_in(planner), methods=["GET"], include_in_schema=False
)
router.add_api_route(
    "/cases/{case_id}/planner",
    signed_in(change, post=True),
    methods=["POST"],
    include_in_schema=False,
)
