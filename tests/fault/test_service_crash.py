"""A service killed mid-load: nothing that was acknowledged is lost, nothing is duplicated."""

import asyncio
import uuid
from datetime import date

import httpx

from shared.envelope import event_id_of
from tests.support.stack import Stack, wait_for_ledger

REFERRAL = {
    "referral_source": "other",
    "referral_date": date.today().isoformat(),
    "site_id": "east",
    "client": {"name": "Crash Example"},
}


async def post_referrals(intake: httpx.AsyncClient, count: int) -> list[str]:
    """Event ids of the referrals the service acknowledged; a refused connection is skipped."""
    acknowledged = []
    for _ in range(count):
        try:
            response = await intake.post("/referrals", json=REFERRAL)
        except httpx.TransportError:
            await asyncio.sleep(0.05)
            continue
        if response.status_code == 201:
            acknowledged.append(
                str(event_id_of("intake", uuid.UUID(response.json()["case_id"]), 1))
            )
    return acknowledged


async def kill_mid_load(stack: Stack, intake: httpx.AsyncClient, service: str) -> list[str]:
    """Post 150 referrals, SIGKILL `service` half a second in, start it again; return the
    event ids of the referrals that were acknowledged."""
    load = asyncio.create_task(post_referrals(intake, 150))
    await asyncio.sleep(0.5)
    stack.kill(service)
    acknowledged = await load
    stack.start(service)
    await stack.wait_ready(service)
    return acknowledged


async def test_audit_killed_mid_load_restarts_and_the_ledger_holds_each_event_once(
    stack: Stack, intake, audit
):
    acknowledged = await kill_mid_load(stack, intake, "audit")

    counts = await wait_for_ledger(audit, set(acknowledged), seconds=120)

    assert len(acknowledged) == 150
    assert all(counts[e] == 1 for e in acknowledged)


async def test_intake_killed_mid_load_every_acknowledged_referral_still_reaches_the_ledger(
    stack: Stack, intake, audit
):
    acknowledged = await kill_mid_load(stack, intake, "intake")

    counts = await wait_for_ledger(audit, set(acknowledged), seconds=120)

    assert 0 < len(acknowledged) < 150, "the kill came in the middle of the load"
    assert all(counts[e] == 1 for e in acknowledged)
