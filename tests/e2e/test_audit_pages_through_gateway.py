"""The audit API's lists read through the gateway with an auditor's token (issue 8): the
Link header to the next page passes through, and followed from the gateway's own URL it
stays under /audit/..."""

import httpx
import pytest

from tests.e2e.audit_steps import wait_until_in_ledger
from tests.e2e.gateway_support import bearer, with_gateway
from tests.e2e.test_referral_reaches_ledger import referral
from tests.support.stack import Stack


async def two_at_least(audit: httpx.AsyncClient, intake: httpx.AsyncClient, path: str) -> None:
    """Lists of two items or more (a long-lived machine has them; a fresh one makes them)."""
    if len((await audit.get(path, params={"limit": 2})).json()["items"]) == 2:
        return
    for _ in range(2):
        made = await intake.post("/referrals", json=referral())
        assert made.status_code == 201, made.text
        await wait_until_in_ledger(audit, made.json()["case_id"], 1)
        if path == "/checkpoints":
            assert (await audit.post("/checkpoints")).status_code == 201


@pytest.mark.parametrize("path, key", [("/checkpoints", "id"), ("/ledger/entries", "leaf_index")])
async def test_an_auditor_follows_the_next_link_of_an_audit_list_through_the_gateway(
    stack: Stack, audit: httpx.AsyncClient, intake: httpx.AsyncClient, path: str, key: str
):
    await with_gateway(stack)
    await two_at_least(audit, intake, path)
    auditor = await bearer("auditor.north")
    async with httpx.AsyncClient(base_url=stack.url("gateway"), headers=auditor) as gateway:
        first = await gateway.get(f"/audit{path}", params={"limit": 1})
        following = first.request.url.join(first.links["next"]["url"])
        second = await gateway.get(following)

    assert first.status_code == second.status_code == 200, second.text
    assert following.path == f"/audit{path}"
    [one], [two] = first.json()["items"], second.json()["items"]
    assert first.json()["next"] == one[key] < two[key]
