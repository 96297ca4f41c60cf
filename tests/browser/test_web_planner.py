"""A therapist plans a course in the planner: a time already taken in their diary is refused
with the clash as scheduling reports it and nothing booked; another time books the course;
a session is cancelled by the client and rebooked."""

import re
from datetime import timedelta

import httpx
from playwright.async_api import expect

from tests.browser.browser import chromium, shot, signed_in
from tests.browser.web_data import _course
from tests.e2e.forms.steps import eventually
from tests.e2e.gateway_support import with_gateway
from tests.e2e.scheduling_steps import next_monday
from tests.e2e.test_gateway_reads_in_the_ledger import allocated_case
from tests.support.gateway_identity import as_staff
from tests.support.stack import Stack


async def test_a_therapist_plans_a_course_and_sees_a_clash_as_scheduling_reports_it(
    stack: Stack, therapist: str
):
    await with_gateway(stack, "scheduling", "forms")
    gateway = stack.url("gateway")
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        taken_case, case_id = [await allocated_case(api, therapist) for _ in range(2)]
    staff = as_staff(therapist, "therapist", ("north",))
    async with httpx.AsyncClient(base_url=stack.url("scheduling"), auth=staff) as scheduling:
        for case in (taken_case, case_id):
            await eventually(lambda c=case: _course(scheduling, c), seconds=60)
        for day in (next_monday(3) + timedelta(days=n) for n in range(5)):  # one not closed
            plan = {"first_date": day.isoformat(), "local_time": "10:00", "mode": "video",
                    "sessions": 4}  # fmt: skip
            taken = await scheduling.post(f"/cases/{taken_case}/course/plan", json=plan)
            if taken.status_code == 200:
                break
        assert taken.status_code == 200, taken.text

    async with chromium() as browser:
        page = await signed_in(browser, gateway, therapist, f"/web/cases/{case_id}/planner")
        await page.fill("#first_date", day.isoformat())
        await page.fill("#local_time", "10:00")
        await page.select_option("#mode", "video")
        await page.click("button:has-text('Plan')")
        await expect(page.get_by_role("alert")).to_contain_text("Not done")
        await expect(page.get_by_role("alert")).to_contain_text(f"therapist {therapist} is booked")
        await shot(page, "planner-clash")
        assert await page.locator("#from_date").count() == 0  # still unplanned: nothing booked

        await page.fill("#first_date", day.isoformat())
        await page.fill("#local_time", "14:00")
        await page.select_option("#mode", "video")
        await page.fill("#sessions", "4")
        await page.click("button:has-text('Plan')")
        await expect(page.get_by_role("status")).to_have_text("Done: plan.")
        rows = page.locator("section[aria-labelledby=sessions-h] tbody tr")
        await expect(rows).to_have_count(4)

        second = rows.nth(1)
        await second.locator("select").select_option("2")
        await second.locator("button:has-text('Cancel')").click()
        await expect(page.get_by_role("status")).to_have_text("Done: cancellation.")
        states = page.locator("section[aria-labelledby=sessions-h] tbody td:nth-child(3)")
        await expect(states.filter(has_text=re.compile(r"^cancelled"))).to_have_count(1)
        await shot(page, "planner-planned")
