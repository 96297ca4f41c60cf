"""Reconciliation against the real Kafka: every message is in the ledger, every entry has its
message; what is missing, orphaned, pending, duplicated or dead-lettered is told apart."""

import pytest
from aiokafka import AIOKafkaProducer

from services.audit.reconcile import Reconciler
from shared.consumer import Delivered
from shared.kafka import ensure_topics
from tests.conftest import unique_topic
from tests.integration.audit.helpers import append
from tests.support.ledger_data import envelope

CONSUMER = "audit-reconcile-test"


async def publish(kafka: str, topic: str, values: list[bytes]) -> list[int]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all")
    await producer.start()
    try:
        return [(await producer.send_and_wait(topic, value)).offset for value in values]
    finally:
        await producer.stop()


async def track(pool, topic: str, offset: int) -> None:
    await pool.execute(
        "INSERT INTO tracking (consumer, topic, partition, kafka_offset) VALUES ($1, $2, 0, $3)"
        " ON CONFLICT (consumer, topic, partition) DO UPDATE SET kafka_offset = $3",
        CONSUMER, topic, offset,
    )  # fmt: skip


@pytest.fixture
async def topic(kafka):
    name = unique_topic("audit-reconcile")
    await ensure_topics(kafka, [name], partitions=1)
    return name


async def test_reconciliation_tells_each_kind_of_discrepancy_apart(audit_pool, kafka, topic):
    good = [envelope() for _ in range(5)]
    values = [e.kafka_value() for e in good[:3]] + [good[1].kafka_value(), b"not json"]
    values += [good[3].kafka_value(), good[4].kafka_value()]
    offsets = await publish(kafka, topic, values)  # 0..6: dup at 3, poison at 4
    ledger = [Delivered(e, topic, 0, o) for e, o in zip(good[:3], offsets, strict=False)]
    await append(audit_pool, [*ledger, Delivered(envelope(), topic, 0, 99)])  # 99: no message
    await track(audit_pool, topic, offsets[5])  # consumed up to 5; 5 never reached the ledger

    report = await Reconciler(audit_pool, kafka, [topic], CONSUMER).run_once()

    [part] = report["partitions"]
    assert (part["missing"], part["orphans"], part["pending"]) == ([5], [3], 1)
    assert (part["duplicates"], part["dead_lettered"], part["checked_to"]) == (1, 1, 5)
    assert report["ok"] is False and report["totals"]["missing"] == 1


async def test_ledger_that_holds_every_message_reconciles_and_the_mark_moves_on(
    audit_pool, kafka, topic
):
    good = [envelope() for _ in range(4)]
    offsets = await publish(kafka, topic, [e.kafka_value() for e in good])
    await append(
        audit_pool, [Delivered(e, topic, 0, o) for e, o in zip(good, offsets, strict=True)]
    )
    await track(audit_pool, topic, offsets[-1])
    reconciler = Reconciler(audit_pool, kafka, [topic], CONSUMER)

    first = await reconciler.run_once()
    more = envelope()
    [offset] = await publish(kafka, topic, [more.kafka_value()])
    await append(audit_pool, [Delivered(more, topic, 0, offset)])
    await track(audit_pool, topic, offset)
    second = await reconciler.run_once()

    assert first["ok"] and first["partitions"][0]["checked_to"] == 4
    assert second["ok"] and second["partitions"][0]["checked_to"] == 5
    assert second["partitions"][0]["consumer_position"] == 4


async def test_a_long_backlog_is_checked_a_window_at_a_time(audit_pool, kafka, topic):
    good = [envelope() for _ in range(5)]
    offsets = await publish(kafka, topic, [e.kafka_value() for e in good])
    await append(
        audit_pool, [Delivered(e, topic, 0, o) for e, o in zip(good, offsets, strict=True)]
    )
    await track(audit_pool, topic, offsets[-1])
    reconciler = Reconciler(audit_pool, kafka, [topic], CONSUMER, window=2)

    marks = [(await reconciler.run_once())["partitions"][0]["checked_to"] for _ in range(3)]

    assert marks == [2, 4, 5]
    assert reconciler.last["ok"] and reconciler.last["partitions"][0]["end_offset"] == 5


async def test_an_entry_off_the_service_topics_is_found_after_the_first_run_and_stays_reported(
    audit_pool, kafka, topic
):
    good = envelope()
    [offset] = await publish(kafka, topic, [good.kafka_value()])
    await append(audit_pool, [Delivered(good, topic, 0, offset)])
    await track(audit_pool, topic, offset)
    reconciler = Reconciler(audit_pool, kafka, [topic], CONSUMER)
    first = await reconciler.run_once()
    # An entry no service topic can back, appended after a run had checked the ledger.
    await append(audit_pool, [Delivered(envelope(), "not.a.service.topic", 0, 0)])

    second, third = await reconciler.run_once(), await reconciler.run_once()

    assert first["ok"] and first["entries_off_topics"] == []
    assert second["entries_off_topics"] == [1] and not second["ok"]
    assert third["entries_off_topics"] == [1], "reported until it is gone, not once"
