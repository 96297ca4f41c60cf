"""An intake worker sees a client waiting past 18 weeks highlighted on the waiting list and
allocates the case to a therapist from it."""

import secrets

import httpx
from playwright.async_api import expect

from tests.browser.browser import chromium, shot, signed_in
from tests.e2e.gateway_support import bearer, new_staff, with_gateway
from tests.e2e.intake_people import days_ago
from tests.e2e.test_gateway_reads_in_the_ledger import ok
from tests.support.stack import Stack


async def waiting_case(gateway: httpx.AsyncClient, worker: str, site: str) -> str:
    staff = await bearer(worker)
    referral = {
        "referral_source": "gp",
        "referral_date": days_ago(140),
        "site_id": site,
        "client": {"name": "Ada Example", "phone": "07700 900123"},
    }
    case_id = (
        await ok(await gateway.post("/intake/referrals", json=referral, headers=staff), 201)
    )["case_id"]
    booked = {"scheduled_for": f"{days_ago(135)}T10:00:00+00:00", "assessor_id": "a.north"}
    outcome = {"suitable": True, "reason": "Suitable for DIT.", "assessed_on": days_ago(134)}
    for step, body in (("assessment", booked), ("assessment/outcome", outcome)):
        await ok(await gateway.post(f"/intake/cases/{case_id}/{step}", json=body, headers=staff))
    return str(case_id)


async def test_an_intake_worker_sees_a_long_wait_highlighted_and_allocates_the_case(stack: Stack):
    await with_gateway(stack)
    gateway = stack.url("gateway")
    # A site of its own: the page shows the oldest 500 waiting, and the demo sites of a
    # long-lived machine hold every earlier run's clients
    site = f"waiting-{secrets.token_hex(3)}"
    worker = await new_staff("intake_worker", site)
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        case_id = await waiting_case(api, worker, site)
    async with chromium() as browser:
        page = await signed_in(browser, gateway, worker)
        await page.click("nav >> text=Waiting list")
        await page.select_option("#past_weeks", "18")
        await page.click("button:has-text('Show')")
        row = page.locator("tr", has=page.locator(f'a[href="/web/cases/{case_id}"]'))
        await expect(row).to_have_class("past-18")
        await expect(row).to_contain_text("past 18 weeks")
        await shot(page, "intake-waiting-list")
        await row.locator("input[name=therapist_id]").fill("therapist.north")
        await row.locator("button:has-text('Allocate')").click()
        await expect(page.get_by_role("status")).to_contain_text("allocated")
        row = page.locator("tr", has=page.locator(f'a[href="/web/cases/{case_id}"]'))
        if await row.count():  # still waiting for the first session, now with a therapist
            await expect(row).to_contain_text("allocated to therapist.north")
    async with httpx.AsyncClient(base_url=gateway) as api:
        case = await ok(await api.get(f"/intake/cases/{case_id}", headers=await bearer(worker)))
    assert case["therapist_id"] == "therapist.north"
