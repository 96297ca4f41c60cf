"""One pagination style across the audit API (issue 8): every list is read with
`?after=<cursor>&limit=N`, answers `{"items": [...], "next": ...}` with a Link header to the
next page relative to the request's URL (so it holds behind the gateway's /audit prefix),
and says so in its OpenAPI."""

from collections.abc import AsyncIterator
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import FastAPI

from services.audit.__main__ import routes
from tests.integration.audit.helpers import append, new_application
from tests.support.ledger_data import some_events

# Each list route, and the key its cursor is.
LISTS = {"/ledger/entries": "leaf_index", "/checkpoints": "id",
         "/ledger/bundle/entries": "leaf_index"}  # fmt: skip


@pytest.fixture
async def audit_api(audit_pool) -> AsyncIterator[httpx.AsyncClient]:
    """The audit routes over a ledger of 7 entries and 3 checkpoints."""
    audit = new_application(audit_pool)
    for count in (3, 2, 2):
        await append(audit_pool, some_events(count))
        await audit.issue_checkpoint()
    app = routes(FastAPI())
    app.state.audit = audit
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://audit") as client:
        yield client


async def every_page(client: httpx.AsyncClient, path: str) -> list[httpx.Response]:
    """From the first page on, following each Link as a client that knows nothing else."""
    query = {"limit": 2}
    if path == "/ledger/bundle/entries":
        query["checkpoint"] = (await client.get("/checkpoints/latest")).json()["id"]
    pages = [await client.get(path, params=query)]
    while "next" in pages[-1].links:
        following = pages[-1].request.url.join(pages[-1].links["next"]["url"])
        pages.append(await client.get(following))
    return pages


@pytest.mark.parametrize("path", LISTS)
async def test_a_list_is_read_whole_by_following_next_and_its_link(audit_api, path):
    pages = await every_page(audit_api, path)
    key = LISTS[path]

    bodies = [page.json() for page in pages]
    keys = [item[key] for body in bodies for item in body["items"]]
    assert all(page.status_code == 200 for page in pages)
    assert len(pages) >= 2 and [len(b["items"]) for b in bodies[:-1]] == [2] * (len(pages) - 1)
    assert keys == sorted(set(keys))  # in order, none twice
    for page, body in zip(pages[:-1], bodies[:-1], strict=True):
        link = parse_qs(page.links["next"]["url"].removeprefix("?"))
        assert body["next"] == body["items"][-1][key] == int(link["after"][0])
        assert link["limit"] == ["2"]
    assert bodies[-1]["next"] is None and "link" not in pages[-1].headers


async def test_the_bundle_entries_link_keeps_the_checkpoint_it_was_asked_for(audit_api):
    first = (await audit_api.get("/checkpoints", params={"limit": 1})).json()["items"][0]

    page = await audit_api.get(
        "/ledger/bundle/entries", params={"checkpoint": first["id"], "limit": 2}
    )

    assert parse_qs(page.links["next"]["url"].removeprefix("?"))["checkpoint"] == [str(first["id"])]


@pytest.mark.parametrize("query", [{"after": -1}, {"after": "x"}, {"limit": 0}, {"limit": 5001}])
async def test_a_bad_cursor_or_limit_is_refused_naming_it(audit_api, query):
    answer = await audit_api.get("/ledger/entries", params=query)

    assert answer.status_code == 422
    assert next(iter(query)) in answer.text


async def test_the_openapi_documents_one_style_on_every_list_route(audit_api):
    paths = (await audit_api.get("/openapi.json")).json()["paths"]

    listed = {
        path
        for path, operations in paths.items()
        if any(p["name"] == "after" for p in operations.get("get", {}).get("parameters", []))
    }
    assert listed == set(LISTS)
    for path in LISTS:
        operation = paths[path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"after", "limit"} <= names and not names & {"offset", "page", "since"}
        assert "Link" in operation["responses"]["200"]["headers"]
