"""A service whose broker cannot be reached stays ready (commands still succeed: the outbox
keeps the events) and says so: its relay is named broker_unreachable with the backlog."""

import asyncio
from contextlib import suppress

from shared.relay import OutboxRelay
from shared.runtime import Runtime
from tests.conftest import unique_topic
from tests.support.aggregates import SERVICE, new_counter

NOBODY_LISTENS = "127.0.0.1:1"


async def relay_state_becomes(relay: OutboxRelay, state: str, seconds: float) -> bool:
    for _ in range(int(seconds * 10)):
        if relay.state == state:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_relay_started_without_a_broker_is_named_with_its_backlog_and_ready_stays(store):
    runtime = Runtime(settings=None, pool=store.pool, store=store)  # type: ignore[arg-type]
    relay = OutboxRelay(SERVICE, store, NOBODY_LISTENS, topic=unique_topic())
    await store.save(new_counter(increments=2))  # three events waiting to be published
    runtime.start("relay", relay.run, component=relay)
    try:
        assert await relay_state_becomes(relay, "broker_unreachable", seconds=10)
        await relay.refresh_metrics()
        body = await runtime.readiness()
    finally:
        for task in runtime.tasks.values():
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    assert body["ready"] is True
    assert body["degraded"] == ["relay"]
    assert body["components"]["relay"]["state"] == "broker_unreachable"
    assert body["components"]["relay"]["lag"] == 3
