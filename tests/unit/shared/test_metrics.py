"""Metrics are rendered by prometheus_client: a consumer's counts are counters (not gauges),
rising by what it handled since the last scrape."""

import uuid
from types import SimpleNamespace

from shared.metrics import CountsOf, render


async def test_a_consumers_messages_and_dead_letters_are_counters_that_only_rise():
    consumer = SimpleNamespace(name=f"group-{uuid.uuid4().hex[:8]}", processed=0, dead_letters=0)
    counts = CountsOf(consumer)
    consumer.processed, consumer.dead_letters = 5, 1
    await counts()
    consumer.processed = 7
    await counts()

    text = render().decode()
    types = [line.split()[-1] for line in text.splitlines()
             if line.startswith("# TYPE rapport_consumer_")]  # fmt: skip
    assert types == ["counter", "counter"]
    assert f'rapport_consumer_messages_total{{consumer="{consumer.name}"}} 7.0' in text
    assert f'rapport_consumer_dead_letters_total{{consumer="{consumer.name}"}} 1.0' in text
