"""Each request is one log line once answered (shared/http.py): method, path, status and
duration, with the request's correlation id, and never its query string (a search's is
personal: a name, an NHS number)."""

import httpx
import structlog
from fastapi import FastAPI, HTTPException
from structlog.testing import capture_logs

from shared.http import add_common_routes


async def ready() -> dict:
    return {"ready": True}


def app() -> FastAPI:
    served = FastAPI()

    @served.get("/sites/{site_id}/search")
    async def search(site_id: str, name: str) -> list[str]:
        return []

    @served.post("/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    @served.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "no such thing")

    add_common_routes(served, ready, 1024)
    return served


async def requested(method: str, path: str) -> list[dict]:
    transport = httpx.ASGITransport(app=app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
            await client.request(method, path, headers={"X-Correlation-ID": "c-1"})
    return [line for line in logs if line["event"] == "http.request"]


async def test_a_request_is_one_line_with_its_status_and_duration_and_no_query_string():
    [line] = await requested("GET", "/sites/north/search?name=Gwion%20Morgan")
    assert line["method"] == "GET"
    assert line["path"] == "/sites/north/search"
    assert line["status"] == 200
    assert line["ms"] >= 0
    assert line["correlation_id"] == "c-1"
    assert "Gwion" not in str(line)


async def test_refusals_and_failures_are_logged_with_the_status_the_client_got():
    [missing] = await requested("GET", "/missing")
    [broken] = await requested("POST", "/broken")
    assert missing["status"] == 404
    assert broken["status"] == 500
