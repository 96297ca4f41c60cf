"""A supervisor acknowledges a risk flag on the risk dashboard (and the case overview still
shows it, with who acknowledged it and the action taken); an auditor sees on the case
overview who viewed the case (from the audit ledger), replays it with its proofs verified
and downloads its bundle; a role whose permissions refuse a page
gets neither its link nor the page (403)."""

import asyncio
import json
from pathlib import Path

import httpx
from playwright.async_api import expect

from tests.browser.browser import chromium, shot, signed_in
from tests.browser.web_data import case_in_therapy
from tests.e2e.gateway_support import bearer, with_gateway
from tests.support.stack import Stack


async def test_a_supervisor_acknowledges_a_risk_flag_with_the_action_taken(
    stack: Stack, therapist: str
):
    await with_gateway(stack, "scheduling", "forms")
    case_id, _, _ = await case_in_therapy(stack, therapist)
    gateway = stack.url("gateway")
    async with chromium() as browser:
        page = await signed_in(browser, gateway, "supervisor.north")
        await page.click("nav >> text=Risk")
        row = page.locator("tr", has=page.locator(f'a[href="/web/cases/{case_id}"]'))
        await expect(row).to_have_count(1)
        await row.locator("select").select_option("contacted_client")
        await row.locator("input[name=note]").fill("Called the client; safe, plan reviewed.")
        await shot(page, "supervisor-risk")
        await row.locator("button", has_text="Acknowledge").click()
        await expect(page.get_by_role("status")).to_have_text("Flag acknowledged.")
        await expect(page.locator(f'a[href="/web/cases/{case_id}"]')).to_have_count(0)
        # The acknowledged flag stays on the case overview, with who and what was done
        await page.goto(f"{gateway}/web/cases/{case_id}")
        acknowledged = page.locator("#risk ~ ul li.flag-acknowledged")
        await expect(acknowledged).to_contain_text("acknowledged by supervisor.north")
        await expect(acknowledged).to_contain_text("Contacted the client")
        await shot(page, "supervisor-case-acknowledged-flag")

    async with httpx.AsyncClient(base_url=gateway) as api:
        listed = await api.get(
            "/forms/sites/north/risk-flags", headers=await bearer("supervisor.north")
        )
    assert [f for f in listed.json() if f["case_id"] == case_id] == []


async def test_an_auditor_sees_who_viewed_the_case(stack: Stack, therapist: str):
    await with_gateway(stack, "scheduling", "forms")
    case_id, _, _ = await case_in_therapy(stack, therapist)
    gateway = stack.url("gateway")
    async with httpx.AsyncClient(base_url=gateway) as api:
        viewed = await api.get(f"/intake/cases/{case_id}", headers=await bearer(therapist))
        assert viewed.status_code == 200
    async with chromium() as browser:
        page = await signed_in(browser, gateway, "auditor.north")
        await page.fill("#case_id", case_id)
        await page.click('button:has-text("Open")')
        await page.wait_for_url(f"{gateway}/web/cases/{case_id}")
        views = page.locator("table.views")
        for _ in range(60):  # the access event reaches the ledger through Kafka
            if f"{therapist}\ttherapist\t/intake/cases/{case_id}\t" in await views.inner_text():
                break
            await asyncio.sleep(1)
            await page.reload()
        seen = views.locator("tr", has_text="/intake/cases/{case_id}")
        assert therapist in await seen.first.inner_text()
        await shot(page, "auditor-case-views")

        await page.click("text=Replay the case and verify its proofs")
        await expect(page.locator(".verdict")).to_contain_text("verified")
        assert "not verified" not in await page.locator(".verdict").inner_text()
        replay = await page.locator("table.replay").inner_text()
        assert "intake.ReferralReceived" in replay or "intake." in replay
        assert "gateway.CaseViewed" in replay
        async with page.expect_download() as download:
            await page.click("text=Download the bundle")
        saved = await (await download.value).path()
        bundle = json.loads(await asyncio.to_thread(Path(saved).read_text))
        assert bundle["scope"]["case_id"] == case_id
        await shot(page, "auditor-replay")


async def test_a_role_refused_a_page_has_no_link_to_it_and_gets_the_403_page(
    stack: Stack, therapist: str
):
    await with_gateway(stack, "scheduling", "forms")
    gateway = stack.url("gateway")
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        from tests.e2e.test_gateway_reads_in_the_ledger import allocated_case

        case_id = await allocated_case(api, therapist)
    async with chromium() as browser:
        page = await signed_in(browser, gateway, "admin.north")
        assert await page.locator("nav a").all_inner_texts() == []
        await shot(page, "admin-home")
        answer = await page.goto(f"{gateway}/web/cases/{case_id}")
        assert answer is not None and answer.status == 403
        assert "case.read" in await page.inner_text("main")
        await shot(page, "admin-refused")


async def test_a_supervisor_of_another_site_reads_a_case_by_breaking_glass_with_a_reason(
    stack: Stack, therapist: str
):
    await with_gateway(stack, "scheduling", "forms")
    gateway = stack.url("gateway")
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        from tests.e2e.test_gateway_reads_in_the_ledger import allocated_case

        case_id = await allocated_case(api, therapist)
    reason = "The client called the south office in crisis; duty cover"
    async with chromium() as browser:
        page = await signed_in(browser, gateway, "supervisor.south", f"/web/cases/{case_id}")
        await expect(page.locator("h1")).to_have_text("Not allowed")
        await page.fill("#reason", reason)
        await shot(page, "supervisor-break-glass")
        await page.click("button:has-text('Read the case')")
        await expect(page.get_by_role("status")).to_contain_text("Read as break-glass")
        assert therapist in await page.inner_text("main")
    async with httpx.AsyncClient(base_url=gateway) as api:
        listed = await api.get(
            "/gateway/sites/north/break-glass", headers=await bearer("site_manager.north")
        )
    mine = [r for r in listed.json() if r["case_id"] == case_id]
    assert {(r["subject"], r["reason"]) for r in mine} == {("supervisor.south", reason)}
