"""PostgreSQL restarted mid-load (a private cluster, never the shared one): commands in the
gap get 503, no client sees a broken connection, and the pipeline resumes by itself."""

import asyncio

import httpx

from tests.fault import private
from tests.fault.load import Load
from tests.fault.observe import degraded_within, ledger_counts
from tests.support.stack import Stack


async def ready_within(url: str, seconds: float) -> bool:
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(int(seconds * 10)):
            try:
                if (await client.get("/health/ready")).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    return False


async def test_postgres_restarted_mid_load_commands_get_503_then_succeed_and_every_acknowledged_referral_reaches_the_ledger_once(  # noqa: E501
    isolated: Stack,
):
    stack = isolated
    await stack.up("intake", "audit")
    load = Load([stack.url("intake")]).start()
    try:
        await load.wait_acknowledged(60)
        # Down for a second, as a restart or a failover is: every connection is cut.
        await asyncio.to_thread(private.postgres, "restart", "1")
        restarted_with = len(load.acknowledged)
        ready_again = await ready_within(stack.url("intake"), seconds=10)
        await load.wait_acknowledged(restarted_with + 60)
    finally:
        await load.stop()

    assert set(load.statuses) <= {201, 503}, f"nothing but 201 and 503: {load.statuses}"
    assert load.statuses[503] > 0, "commands during the restart were answered 503"
    assert load.unavailable_without_retry_after == 0
    assert not load.errors, f"no connection broke: {load.errors}"
    assert ready_again, "intake said it was ready soon after the restart"
    counts = await ledger_counts(stack.url("audit"), set(load.acknowledged))
    assert set(counts.values()) == {1}
    for service in ("intake", "audit"):  # relay, consumers, checkpointer: back by themselves
        assert await degraded_within(stack.url(service), 30) == {}, f"{service} recovered"
