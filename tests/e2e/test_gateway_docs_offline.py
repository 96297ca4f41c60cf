"""The API docs pages work on a closed network: the gateway's /docs and each service's,
opened in headless chromium with every request off this machine refused, show their
operations (Swagger UI's assets come from the service itself, not a CDN)."""

import asyncio
import shutil
from urllib.parse import urlparse

import pytest

from tests.e2e.gateway_support import with_gateway
from tests.support.stack import ROOT, Stack

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / ".state" / "test-screenshots"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs chromium (apt-get install chromium)"
)


async def operations_shown(url: str, shot: str) -> tuple[int, list[str]]:
    """How many operations the page shows, and the requests that tried to leave the machine."""
    from playwright.async_api import Route, async_playwright

    left: list[str] = []

    async def local_only(route: Route) -> None:
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            left.append(route.request.url)
            await route.abort("internetdisconnected")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = await browser.new_page()
            await page.route("**/*", local_only)
            await page.goto(url)
            await page.wait_for_selector(".opblock", timeout=20_000)
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=SHOTS / shot)
            return await page.locator(".opblock").count(), left
        finally:
            await browser.close()


async def test_the_gateway_docs_page_shows_its_operations_without_internet(stack: Stack):
    await with_gateway(stack, "scheduling", "forms")
    await asyncio.sleep(3)  # the gateway reads the services' descriptions every 2 s until whole
    shown, left = await operations_shown(f"{stack.url('gateway')}/docs", "gateway-docs.png")
    assert left == []
    assert shown >= 70  # every route of the table, from the services' own descriptions


async def test_a_service_docs_page_shows_its_operations_without_internet(stack: Stack):
    shown, left = await operations_shown(f"{stack.url('intake')}/docs", "intake-docs.png")
    assert left == [] and shown >= 20
