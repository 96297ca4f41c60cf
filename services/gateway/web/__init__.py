"""The staff web app, served by the gateway under /web: server-rendered Jinja2 pages with
htmx (vendored in static/, with its version and licence), sign-in with the identity provider
(authorisation code flow with PKCE), one session cookie, CSRF tokens on every form. It reads
and acts through the gateway's own staff API (staffapi.py): the same policy table, the same
access events."""

from fastapi import APIRouter

from services.gateway.web import audit, case, pages, planner, render, reports, risk, signin, waiting

router = APIRouter()
for part in (
    render.router,
    signin.router,
    pages.router,
    case.router,
    planner.router,
    risk.router,
    waiting.router,
    audit.router,
    reports.router,
):
    router.include_router(part)
