"""Pages from Jinja2 templates (autoescaped), the links a member's roles allow, the vendored
static files, and the 403 page."""

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from services.gateway.policy import TABLE
from services.gateway.web.sessions import WebSession
from services.gateway.web.state import web_router

HERE = Path(__file__).parent
DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(jinja2.Environment):
    """`row.status` of a dict (the API's JSON) looked up as a key first: Jinja's own order
    tries the attribute, fails with an exception, then the key, and those exceptions were a
    tenth of a page's time. A name dicts have as an attribute (`items`) still finds that,
    as before, so every lookup finds what it found before."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# Each template compiled once per process: the templates ship with the code, so checking every
# file's modification time on each render (Jinja's auto-reload) only cost time.
templates = Jinja2Templates(env=Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=jinja2.select_autoescape(), auto_reload=False,
))  # fmt: skip
STATIC = {"htmx.min.js": "text/javascript", "style.css": "text/css", "htmx.LICENSE": "text/plain"}
router = web_router()

# A link is shown only to a role whose permissions let it open the page.
LINKS = [
    ("Today", "/web/today", "diary.read", ("therapist",)),
    ("Risk", "/web/risk", "risk.read", ("supervisor", "site_manager", "auditor")),
    ("Waiting list", "/web/waiting", "waiting_list.read", ("intake_worker", "site_manager")),
    ("Reports", "/web/reports", "reports.read", ("site_manager", "supervisor")),
    ("Case", "/web/cases", "case.read", ()),
]


def may(session: WebSession, action: str) -> bool:
    return any(action in TABLE.get(role, {}) for role in session.roles)


def links(session: WebSession) -> list[tuple[str, str]]:
    shown = []
    for title, href, action, roles in LINKS:
        if may(session, action) and (not roles or set(roles) & set(session.roles)):
            shown.append((title, href))
    return shown


def page(
    request: Request, name: str, session: WebSession | None, status: int = 200, **context: Any
) -> HTMLResponse:
    context |= {
        "session": session,
        "links": links(session) if session else [],
        "csrf": session.csrf if session else "",
    }
    answer = templates.TemplateResponse(request, name, context, status_code=status)
    answer.headers["Cache-Control"] = "no-store"  # case data stays out of shared caches
    return answer


def refused(request: Request, session: WebSession | None, detail: Any) -> HTMLResponse:
    """The 403 page; on a case outside one's scope, with the break-glass form where one's
    role reads cases at all."""
    case_id = request.path_params.get("case_id")
    offer = bool(
        session
        and case_id
        and request.url.path == f"/web/cases/{case_id}"
        and may(session, "case.read")
    )
    return page(
        request,
        "refused.html",
        session,
        status=403,
        detail=detail,
        glass_case=case_id if offer else None,
    )


@router.get("/static/{name}", include_in_schema=False)
async def static(name: str) -> Response:
    if name not in STATIC:
        return Response("not found", 404, media_type="text/plain")
    return FileResponse(
        HERE / "static" / name,
        media_type=STATIC[name],
        headers={"Cache-Control": "public, max-age=3600"},
    )
