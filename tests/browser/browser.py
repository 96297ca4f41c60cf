"""Debian's chromium driven by Playwright (no browser download), and signing in through the
real Keycloak login page as a demo member of staff. Screenshots go to
.state/test-artifacts/browser/."""

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.e2e.gateway_support import SECRETS
from tests.support.stack import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core, vendored from npm
ARTIFACTS = ROOT / ".state" / "test-artifacts" / "browser"
FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A page's answer goes through the gateway to a service and back; on a busy 2-core machine
# that can take longer than Playwright's default 5 s for an assertion.
expect.set_options(timeout=30_000)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: make test installs it (apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


async def signed_in(browser: Browser, gateway: str, username: str, path: str = "/web/") -> Page:
    """A new browser context signed in as `username` through Keycloak's own login page."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(30_000)
    await page.goto(f"{gateway}{path}")
    await page.wait_for_selector("#username")  # Keycloak's login form
    password = (SECRETS / "keycloak.demo_password").read_text().strip()
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("#kc-login")
    await page.wait_for_url(f"{gateway}/web/**")
    return page


async def shot(page: Page, name: str, ours: bool = True) -> None:
    """A screenshot of the page; and for the app's own pages (not Keycloak's), axe-core's
    check: no serious or critical accessibility violation."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    if ours:
        await page.add_script_tag(path=AXE)
        found = await page.evaluate("async () => (await axe.run(document)).violations")
        bad = [(v["id"], v["impact"], len(v["nodes"])) for v in found
               if v["impact"] in ("serious", "critical")]  # fmt: skip
        assert bad == [], f"{name}: accessibility violations {bad}"
