"""The pages: a signed-in member's home, Today (a therapist's sessions this week with their
forms), the case overview, and attendance recorded from either. Every read goes through the
staff API (staffapi.py), so each view of a case is an access event as it is for the API."""

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway.web.render import page, refused
from services.gateway.web.session_store import Sessions
from services.gateway.web.sessions import WebSession, csrf_ok, form_of
from services.gateway.web.staffapi import ApiError, SignedOut, StaffApi
from services.gateway.web.state import web_router

router = web_router()
LONDON = ZoneInfo("Europe/London")
ATTENDANCE = {
    "5": "attended",
    "6": "arrived late, seen",
    "7": "arrived late, not seen",
    "3": "did not attend",
    "2": "cancelled by the client",
    "4": "cancelled by the service",
}
Page = Callable[[Request, WebSession, StaffApi], Awaitable[Response]]


def signed_in(handler: Page, post: bool = False) -> Callable[..., Awaitable[Response]]:
    """The member's session (else to the sign-in), its CSRF token on a POST, and the
    staff API's refusals as the 403 page."""

    async def run(request: Request) -> Response:
        sessions: Sessions = request.app.state.web_sessions
        session = await sessions.of(request)
        if session is None:
            return RedirectResponse(f"/web/login?next={request.url.path}", status_code=303)
        if post:
            form = await form_of(request)
            presented = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
            if not csrf_ok(session, presented):
                return refused(
                    request, session, "The form is missing its CSRF token; reload the page."
                )
        try:
            return await handler(request, session, StaffApi(request, session))
        except SignedOut:
            await sessions.close(request)
            return RedirectResponse(f"/web/login?next={request.url.path}", status_code=303)
        except ApiError as error:
            if error.status == 403:
                return refused(request, session, error.detail)
            return page(request, "problem.html", session, status=error.status, detail=error.detail)

    return run


async def home(request: Request, session: WebSession, api: StaffApi) -> Response:
    if "therapist" in session.roles:
        return RedirectResponse("/web/today", status_code=303)
    return page(request, "home.html", session)


def _local(instant: str) -> datetime:
    return datetime.fromisoformat(instant).astimezone(LONDON)


async def today(request: Request, session: WebSession, api: StaffApi) -> Response:
    """The therapist's today as the staff API composes it (the gateway's today view)."""
    start = request.query_params.get("week")
    view = await api.get(
        f"/gateway/therapists/{session.subject}/today", **({"week": start} if start else {})
    )
    now = datetime.now(LONDON)
    rows = [
        {**s, "starts": _local(s["starts_at"]), "started": _local(s["starts_at"]) <= now,
         "attendance": ATTENDANCE.get(s["attendance_code"] or "")}
        for s in view["sessions"]
    ]  # fmt: skip
    monday = date.fromisoformat(view["week_of"])
    return page(
        request,
        "today.html",
        session,
        today=[r for r in rows if r["today"]],
        week=[r for r in rows if not r["today"]],
        withheld=view["withheld"],
        monday=monday,
        next_week=monday + timedelta(days=7),
        last_week=monday - timedelta(days=7),
    )


def _row(s: dict[str, Any], form: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    starts = _local(s["starts_at"])
    return {
        **s,
        "session_id": s["reservation_id"],
        "starts": starts,
        "form": form,
        "started": starts <= now,
        "attendance": ATTENDANCE.get(s["attendance_code"] or ""),
    }


async def record_attendance(request: Request, session: WebSession, api: StaffApi) -> Response:
    case_id, session_id = request.path_params["case_id"], request.path_params["session_id"]
    code = str((await form_of(request)).get("attendance_code") or "")
    path = f"/scheduling/cases/{case_id}/course/sessions/{session_id}/attendance"
    course = await api.post(path, {"attendance_code": code})
    recorded = next(s for s in course["sessions"] if s["session_id"] == session_id)
    row = _row(
        {**recorded, "reservation_id": session_id, "case_id": case_id}, None, datetime.now(LONDON)
    )
    if request.headers.get("hx-request"):
        return page(request, "attendance.html", session, row=row)
    return RedirectResponse(f"/web/cases/{case_id}", status_code=303)


async def find_case(request: Request, session: WebSession, api: StaffApi) -> Response:
    try:
        wanted = UUID(request.query_params.get("case_id", "").strip())
    except ValueError:
        return page(request, "home.html", session)
    return RedirectResponse(f"/web/cases/{wanted}", status_code=303)


router.add_api_route("/", signed_in(home), methods=["GET"], include_in_schema=False)
router.add_api_route("/today", signed_in(today), methods=["GET"], include_in_schema=False)
router.add_api_route("/cases", signed_in(find_case), methods=["GET"], include_in_schema=False)
router.add_api_route(
    "/cases/{case_id}/sessions/{session_id}/attendance",
    signed_in(record_attendance, post=True),
    methods=["POST"],
    include_in_schema=False,
    response_class=HTMLResponse,
)
