"""Through the gateway with real Keycloak tokens: an intake worker refers and allocates a
client, the allocated therapist views the case, a supervisor of another site is refused and
then breaks glass with a reason; both reads reach the audit ledger, the auditor's replay of
the case lists who viewed it, and the site manager sees the break-glass read."""

import asyncio
import hashlib
from typing import Any

import httpx

from tests.e2e.gateway_support import bearer, with_gateway
from tests.e2e.intake_people import days_ago
from tests.support.stack import Stack


async def ok(answer: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def allocated_case(gateway: httpx.AsyncClient, therapist: str) -> str:
    staff = await bearer("intake_worker.north")
    referral = {"referral_source": "gp", "referral_date": days_ago(30), "site_id": "north",
                "client": {"name": "Ada Example", "phone": "07700 900123"}}  # fmt: skip
    answer = await gateway.post("/intake/referrals", json=referral, headers=staff)
    case_id = (await ok(answer, 201))["case_id"]
    booked = {"scheduled_for": f"{days_ago(25)}T10:00:00+00:00", "assessor_id": "assessor.north"}
    outcome = {"suitable": True, "reason": "Suitable for DIT.", "assessed_on": days_ago(24)}
    allocation = {"therapist_id": therapist, "allocated_on": days_ago(20)}
    steps = [("assessment", booked), ("assessment/outcome", outcome), ("allocation", allocation)]
    for step, body in steps:
        await ok(await gateway.post(f"/intake/cases/{case_id}/{step}", json=body, headers=staff))
    return str(case_id)


async def views_in_replay(
    gateway: httpx.AsyncClient, case_id: str, want: int
) -> list[dict[str, Any]]:
    auditor = await bearer("auditor.north")
    views: list[dict[str, Any]] = []
    for _ in range(120):
        answer = await gateway.get(f"/audit/cases/{case_id}/history", headers=auditor)
        if answer.status_code == 404:  # none of the case's events is in the ledger yet
            await asyncio.sleep(0.5)
            continue
        history = await ok(answer)
        views = [v for v in history["state"].get("views", []) if v["role"] != "auditor"]
        if len(views) >= want:
            return views
        await asyncio.sleep(0.5)
    raise AssertionError(f"the replay of {case_id} lists {len(views)} staff views, not {want}")


async def test_a_therapist_s_read_and_a_supervisor_s_break_glass_are_in_the_case_replay(
    stack: Stack,
):
    await with_gateway(stack)
    reason = "Duty cover: the client called the south office in crisis"
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:
        case_id = await allocated_case(gateway, "therapist.north")
        therapist = await bearer("therapist.north")
        shown = await ok(await gateway.get(f"/intake/cases/{case_id}", headers=therapist))
        assert shown["therapist_id"] == "therapist.north"
        other_site = await bearer("supervisor.south")
        refused = await gateway.get(f"/intake/cases/{case_id}", headers=other_site)
        assert refused.status_code == 403 and "case.read" in refused.json()["detail"]
        glass = {**other_site, "X-Break-Glass-Reason": reason}
        await ok(await gateway.get(f"/intake/cases/{case_id}/timeline", headers=glass))

        views = await views_in_replay(gateway, case_id, want=2)
        manager = await bearer("site_manager.north")
        listed = await ok(await gateway.get("/gateway/sites/north/break-glass", headers=manager))

    assert [(v["by"], v["role"], v["view"], v["break_glass"]) for v in views] == [
        ("therapist.north", "therapist", "/intake/cases/{case_id}", False),
        ("supervisor.south", "supervisor", "/intake/cases/{case_id}/timeline", True),
    ]
    assert views[1]["reason_sha256"] == hashlib.sha256(reason.encode()).hexdigest()
    mine = [row for row in listed if row["case_id"] == case_id]
    assert [(r["subject"], r["reason"]) for r in mine] == [("supervisor.south", reason)]


async def test_a_site_manager_of_another_site_does_not_see_its_break_glass_list(stack: Stack):
    await with_gateway(stack)
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:
        answer = await gateway.get("/gateway/sites/north/break-glass",
                                   headers=await bearer("site_manager.south"))  # fmt: skip
    assert answer.status_code == 403 and "access.read" in answer.json()["detail"]
