"""The session's protections: a form sent without its CSRF token (or with another) is
refused and changes nothing; signing out ends the session here and at Keycloak."""

import httpx

from tests.browser.browser import chromium, shot, signed_in
from tests.browser.web_data import case_in_therapy
from tests.e2e.gateway_support import bearer, with_gateway
from tests.support.stack import Stack


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    stack: Stack, therapist: str
):
    await with_gateway(stack, "scheduling", "forms")
    case_id, course, _ = await case_in_therapy(stack, therapist)
    first = next(s for s in course["sessions"] if s["session_number"] == 1)
    gateway = stack.url("gateway")
    path = f"/web/cases/{case_id}/sessions/{first['session_id']}/attendance"
    async with chromium() as browser:
        page = await signed_in(browser, gateway, therapist, f"/web/cases/{case_id}")
        request = page.context.request  # the browser's own cookies: the session is there
        without = await request.post(f"{gateway}{path}", form={"attendance_code": "5"})
        forged = await request.post(
            f"{gateway}{path}", form={"attendance_code": "5", "csrf": "not-the-token"}
        )
        assert (without.status, forged.status) == (403, 403)
        assert "CSRF" in await without.text()

    async with httpx.AsyncClient(base_url=gateway) as api:
        answer = await api.get(
            f"/scheduling/cases/{case_id}/course", headers=await bearer(therapist)
        )
    kept = next(s for s in answer.json()["sessions"] if s["session_id"] == first["session_id"])
    assert (kept["status"], kept["attendance_code"]) == ("booked", "0")


async def test_signing_out_ends_the_session_here_and_at_the_identity_provider(stack: Stack):
    await with_gateway(stack)
    gateway = stack.url("gateway")
    async with chromium() as browser:
        page = await signed_in(browser, gateway, "supervisor.north")
        await page.click("text=Sign out")
        await page.wait_for_selector("#username")  # back at Keycloak's login page
        await shot(page, "signed-out", ours=False)
        await page.goto(f"{gateway}/web/risk")
        await page.wait_for_selector("#username")  # no session here, none at Keycloak
        assert page.url.startswith("http://127.0.0.1:8180/")
