"""Saves whose diary times overlap take turns; saves that do not overlap never wait."""

import asyncio
from datetime import UTC, datetime, timedelta

from services.scheduling.inflight import InFlight

T0 = datetime(2026, 1, 12, 10, tzinfo=UTC)


def span(key: str, start_minutes: int, minutes: int = 50):  # type: ignore[no-untyped-def]
    start = T0 + timedelta(minutes=start_minutes)
    return (("therapist", key), start, start + timedelta(minutes=minutes))


async def test_an_overlapping_save_waits_for_the_one_in_flight():
    flight, order = InFlight(), []

    async def save(name: str, spans, hold: float) -> None:  # type: ignore[no-untyped-def]
        async with flight.holding(spans):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    first = asyncio.create_task(save("first", [span("t1", 0)], 0.05))
    await asyncio.sleep(0)
    second = asyncio.create_task(save("second", [span("t1", 30)], 0))
    await asyncio.gather(first, second)
    assert order == ["first in", "first out", "second in", "second out"]


async def test_saves_of_other_diaries_or_other_times_do_not_wait():
    flight, order = InFlight(), []

    async def save(name: str, spans) -> None:  # type: ignore[no-untyped-def]
        async with flight.holding(spans):
            order.append(f"{name} in")
            await asyncio.sleep(0.02)
            order.append(f"{name} out")

    await asyncio.gather(
        save("a", [span("t1", 0)]), save("b", [span("t2", 0)]), save("c", [span("t1", 50)])
    )
    assert order[:3] == ["a in", "b in", "c in"]
    assert flight._held == {}
