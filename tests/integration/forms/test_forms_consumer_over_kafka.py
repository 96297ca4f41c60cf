"""Over the real Kafka: scheduling's events published to scheduling.events reach forms'
consumer, and a restarted consumer repeats no effect (exactly once)."""

import asyncio
from collections.abc import Awaitable, Callable
from uuid import uuid4

from services.forms.application import form_id_for
from shared.consumer import Consumer
from shared.tracking import Position, advance
from tests.integration.forms.scheduling_events import TOPIC, Course, in_days, publish
from tests.support.topics import end_offsets


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 30) -> None:
    for _ in range(int(seconds * 10)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the consumer did not get there in time")


async def test_booked_moved_and_cancelled_sessions_over_kafka_take_effect_once(
    kafka, forms_pool, reactions, forms_store
) -> None:
    name = f"forms-test-{uuid4().hex[:8]}"  # a group of its own, reading the real topic
    await start_at_the_end(forms_pool, name, kafka)
    course = Course()
    first, second = course.booked(1, in_days(7)), course.booked(2, in_days(14))
    later = in_days(8)
    await publish(kafka, first, second, course.moved(first, later))

    def consumer() -> asyncio.Task:
        runner = Consumer(name, [TOPIC], kafka, forms_pool, reactions.handle)
        return asyncio.create_task(runner.run())

    async def form(booked):  # type: ignore[no-untyped-def]
        return await forms_store.get(form_id_for("pre_session", booked.data["session_id"]))

    async def moved() -> bool:
        rows = await forms_pool.fetchval(
            "SELECT count(*) FROM forms_instance WHERE case_id = $1", course.case_id
        )
        return rows == 2 and (await form(first)).due_at == later

    task = consumer()
    try:
        await eventually(moved)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await publish(kafka, course.cancelled(second))
    task = consumer()  # a restart: it seeks to the positions Postgres holds
    try:
        await eventually(lambda: _status(forms_pool, second, "cancelled"))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    first_id = form_id_for("pre_session", first.data["session_id"])
    second_id = form_id_for("pre_session", second.data["session_id"])
    assert [type(e).__name__ for e in await forms_store.events(first_id)] == [
        "FormIssued", "FormMoved"
    ]  # fmt: skip
    assert [type(e).__name__ for e in await forms_store.events(second_id)] == [
        "FormIssued", "FormCancelled"
    ]  # fmt: skip


async def start_at_the_end(pool, name: str, kafka: str) -> None:  # type: ignore[no-untyped-def]
    """Record the topic's current ends as processed: the consumer (which seeks to what
    Postgres holds) reads only what this test publishes, not the topic's history."""
    ends = await end_offsets(kafka, TOPIC)
    async with pool.acquire() as conn, conn.transaction():
        for partition, end in ends.items():
            if end > 0:
                await advance(conn, Position(name, TOPIC, partition, end - 1))


async def _status(pool, booked, status: str) -> bool:  # type: ignore[no-untyped-def]
    found = await pool.fetchval(
        "SELECT status FROM forms_instance WHERE form_id = $1",
        form_id_for("pre_session", booked.data["session_id"]),
    )
    return found == status
