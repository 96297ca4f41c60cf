"""The audit API's lists read through the gateway with an auditor's token (issue 8): the
Link header to the next page passes through, and followed from the gateway's own URL it
stays under /audit/..."""

import httpx
import pytest

from tests.e2e.gateway_support import bearer, with_gateway
from tests.support.stack import Stack


@pytest.mark.parametrize("path, key", [("/audit/checkpoints", "id"),
                                       ("/audit/ledger/entries", "leaf_index")])  # fmt: skip
async def test_an_auditor_follows_the_next_link_of_an_audit_list_through_the_gateway(
    stack: Stack, audit: httpx.AsyncClient, path: str, key: str
):
    await with_gateway(stack)
    await audit.post("/checkpoints")  # a ledger of two checkpoints at least
    assert (await audit.post("/checkpoints")).status_code == 201
    auditor = await bearer("auditor.north")
    async with httpx.AsyncClient(base_url=stack.url("gateway"), headers=auditor) as gateway:
        first = await gateway.get(path, params={"limit": 1})
        following = first.request.url.join(first.links["next"]["url"])
        second = await gateway.get(following)

    assert first.status_code == second.status_code == 200, second.text
    assert following.path == path
    [one], [two] = first.json()["items"], second.json()["items"]
    assert first.json()["next"] == one[key] < two[key]
