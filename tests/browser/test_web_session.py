"""The session's protections: a form sent without its CSRF token (or with another) is
refused and changes nothing; signing out ends the session here and at Keycloak. Sessions are
kept in the gateway's database: a restart signs nobody out, a second gateway knows them."""

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


async def test_a_session_survives_a_gateway_restart_and_a_second_gateway_knows_it(stack: Stack):
    await with_gateway(stack, "forms")
    gateway = stack.url("gateway")
    async with chromium() as browser:
        page = await signed_in(browser, gateway, "supervisor.north", "/web/risk")
        cookie = next(c for c in await page.context.cookies() if c["name"] == "rapport_session")
        stack.stop("gateway")
        await stack.up("gateway", "gateway-2")
        try:
            # No redirect: not even a silent sign-in again through Keycloak's own session
            again = await page.context.request.get(f"{gateway}/web/risk", max_redirects=0)
            assert again.status == 200, again.status
            assert "Open risk flags" in await again.text()
            async with httpx.AsyncClient(base_url=stack.url("gateway-2")) as second:
                second.cookies.set("rapport_session", cookie["value"], path="/web")
                answer = await second.get("/web/")  # a page that asks no service (its
            assert answer.status_code == 200 and "supervisor.north" in answer.text  # are 10 up)
            await page.click("text=Sign out")  # deletes it, for every gateway
            await page.wait_for_selector("#username")
            async with httpx.AsyncClient(base_url=stack.url("gateway-2")) as second:
                second.cookies.set("rapport_session", cookie["value"], path="/web")
                answer = await second.get("/web/")
            assert answer.status_code == 303 and "/web/login" in answer.headers["location"]
        finally:
            stack.stop("gateway-2")
