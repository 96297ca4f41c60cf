"""The client's page in a real headless browser (Debian's chromium driven by Playwright),
with JavaScript switched off and a phone's screen: open the link, answer, send, see the
thank-you page. Screenshots are saved in .state/test-screenshots/ for people to look at."""

import shutil

import pytest

from tests.e2e.forms.steps import booked_form, client_link
from tests.support.stack import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / ".state" / "test-screenshots"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs chromium (apt-get install chromium)"
)


async def test_a_client_answers_the_form_on_a_phone_without_javascript(forms) -> None:
    from playwright.async_api import async_playwright

    _, form = await booked_form(forms)
    url = f"{forms.base_url}{await client_link(forms, form['form_id'])}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = await browser.new_context(
                java_script_enabled=False, viewport={"width": 390, "height": 844}
            )
            page = await context.new_page()
            await page.goto(url)
            assert await page.title() == "Before your session"
            await page.screenshot(path=SHOTS / "forms-client-page.png", full_page=True)
            for name in await _radio_names(page):
                await page.check(f'input[name="{name}"] >> nth=1')  # the second answer of each
            await page.click("button[type=submit]")
            await page.wait_for_selector("h1")
            assert await page.inner_text("h1") == "Thank you"
            await page.screenshot(path=SHOTS / "forms-thank-you.png", full_page=True)
        finally:
            await browser.close()
    sent = (await forms.get(f"/forms/{form['form_id']}")).json()
    assert sent["status"] == "completed" and sent["submitted_via"] == "client_link"
    assert sent["scores"] == {"phq9": 9, "gad7": 7, "risk": 2, "wsas": 5}
    # thoughts of self-harm on several days, and "no" to anyone helping to stay safe
    assert sent["risk_level"] == "high" and "no_protective_factors" in sent["risk_codes"]


async def _radio_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the radio groups, read from the HTML (no JavaScript runs in the page)."""
    names: list[str] = []
    for element in await page.query_selector_all("input[type=radio]"):
        name = await element.get_attribute("name")
        if name not in names:
            names.append(name)
    return names
