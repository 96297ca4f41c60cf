"""A site manager opens the site reports: the waiting-time standards, the outcome rates by
month with their chart, the feedback, and a break-glass read of a case of the site to review."""

import uuid

import httpx
from playwright.async_api import expect

from tests.browser.browser import chromium, shot, signed_in
from tests.e2e.gateway_support import bearer, with_gateway
from tests.e2e.test_gateway_reads_in_the_ledger import allocated_case
from tests.support.stack import Stack


async def test_a_site_manager_sees_the_site_reports_and_a_break_glass_read(stack: Stack):
    await with_gateway(stack, "scheduling", "forms")
    gateway = stack.url("gateway")
    reason = f"Duty cover for a client in crisis, ref {uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        case_id = await allocated_case(api, "therapist.north")
        glass = {**await bearer("supervisor.south"), "X-Break-Glass-Reason": reason}
        assert (await api.get(f"/intake/cases/{case_id}", headers=glass)).status_code == 200
    async with chromium() as browser:
        page = await signed_in(browser, gateway, "site_manager.north")
        await page.click("nav >> text=Reports")
        await expect(page.locator("h2#site-north")).to_have_text("north")
        await expect(page.locator("svg.bars rect")).to_have_count(12)  # two rates, six months
        assert "within 18 weeks" in await page.inner_text("main")
        row = page.locator("tr", has_text=reason)
        await expect(row).to_contain_text("supervisor.south")
        await shot(page, "site-manager-reports")
