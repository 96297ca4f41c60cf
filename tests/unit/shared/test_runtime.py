"""Background work (relays, consumers) survives failures and is reported while it fails."""

import asyncio

from shared.runtime import Runtime


async def test_failed_background_work_is_restarted_and_marked_as_failing():
    runtime = Runtime(settings=None, pool=None, store=None, restart_delays=(0.01,))  # type: ignore[arg-type]
    attempts = []

    async def flaky() -> None:
        attempts.append(len(attempts))
        if len(attempts) < 3:
            raise ConnectionError("broker gone")

    runtime.start("relay", flaky)
    await asyncio.wait_for(runtime.tasks["relay"], timeout=2)

    assert len(attempts) == 3
    assert runtime.supervised["relay"].restarts == 2
    assert "broker gone" in (runtime.supervised["relay"].last_error or "")


async def test_work_done_once_is_healthy_but_a_relay_that_ends_is_degraded():
    runtime = Runtime(settings=None, pool=None, store=None)  # type: ignore[arg-type]

    async def job() -> None:
        return None

    runtime.start("backfill", job, once=True)
    runtime.start("relay", job)
    await asyncio.gather(*runtime.tasks.values())

    health = runtime.components_health()
    assert health["backfill"]["ok"] and health["backfill"]["state"] == "done"
    assert not health["relay"]["ok"] and health["relay"]["state"] == "finished"
