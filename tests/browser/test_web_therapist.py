"""A therapist signs in through Keycloak's login page, sees the session on Today with its
returned form and risk flag, opens the case (its chart and course), and records attendance."""

import httpx
from playwright.async_api import expect

from tests.browser.browser import chromium, shot, signed_in
from tests.browser.web_data import case_in_therapy
from tests.e2e.gateway_support import bearer, with_gateway
from tests.support.stack import Stack


async def test_a_therapist_sees_today_opens_the_case_and_records_attendance(
    stack: Stack, therapist: str
):
    await with_gateway(stack, "scheduling", "forms")
    case_id, course, _ = await case_in_therapy(stack, therapist)
    first = next(s for s in course["sessions"] if s["session_number"] == 1)
    gateway = stack.url("gateway")
    async with chromium() as browser:
        page = await signed_in(browser, gateway, therapist)
        assert page.url.startswith(f"{gateway}/web/today")
        week = await page.content()
        await shot(page, "therapist-today")
        await page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, upright
        await shot(page, "therapist-today-tablet")
        await page.set_viewport_size({"width": 1280, "height": 900})
        link = page.locator(f'a[href="/web/cases/{case_id}"]').first
        for _ in range(3):  # the last weekday may fall in the week before
            if await link.count():
                break
            await page.click("text=Week before")
            link = page.locator(f'a[href="/web/cases/{case_id}"]').first
        assert await link.count() == 1, week
        row = page.locator("tr", has=link)
        assert "video" in await row.inner_text()
        assert "Ada Example" in await link.inner_text()  # the client's name, not only an id

        await link.click()
        await page.wait_for_url(f"{gateway}/web/cases/{case_id}")
        assert await page.locator("figure.chart svg").count() == 1
        assert "Ada Example" in await page.inner_text("main")
        cell = page.locator(f"#attendance-{first['session_id']}")
        await cell.locator("select").select_option("5")
        await cell.locator("button").click()
        await expect(page.locator(f"#attendance-{first['session_id']}")).to_have_text("attended")
        held = page.locator(
            "table.timeline tr", has=page.locator(f"#attendance-{first['session_id']}")
        )
        await expect(held).to_contain_text("held")
        await shot(page, "therapist-case")

    async with httpx.AsyncClient(base_url=gateway) as api:
        answer = await api.get(
            f"/scheduling/cases/{case_id}/course", headers=await bearer(therapist)
        )
    recorded = next(s for s in answer.json()["sessions"] if s["session_id"] == first["session_id"])
    assert (recorded["status"], recorded["attendance_code"]) == ("held", "5")
