"""The ledger keeps and hashes the bytes of each Kafka message as they arrived, not a
re-serialisation of its parsed envelope (issue 8): an envelope with a field the ledger does
not know yet is recorded whole, and its leaf, proof and bundle verify against the exact
bytes the producer sent."""

import json
import uuid

import asyncpg
import pytest

from services.audit import bundles, ledger, proofs
from services.audit.verifier import describe, leaf_hash, verify_bundle, verify_inclusion
from shared.consumer import Consumer
from shared.envelope import Envelope
from shared.kafka import dead_letter_topic, ensure_topics, reliable_producer
from tests.conftest import unique_topic
from tests.integration.audit.helpers import WITNESS, new_checkpointer
from tests.integration.pipeline_helpers import message_count, run_until
from tests.support.ledger_data import envelope


def from_a_newer_producer(sent: Envelope) -> bytes:
    """The envelope as a newer producer might write it: fields this code does not know (at
    the top and in the actor), keys in its own order, spaces, non-ASCII left unescaped."""
    value = {"trace_parent": "00-4bf92f-01", **sent.model_dump(mode="json")}
    value["actor"] = {**value["actor"], "team": "Équipe nord"}
    return json.dumps(value, indent=1, ensure_ascii=False).encode()


async def recorded(pool: asyncpg.Pool, event_id: uuid.UUID) -> asyncpg.Record | None:
    return await pool.fetchrow(
        "SELECT leaf_index, envelope, leaf_hash FROM ledger_entries WHERE event_id = $1", event_id
    )


async def take_in(pool: asyncpg.Pool, kafka: str, sent: Envelope, value: bytes) -> None:
    """Send `value` over Kafka and run the ledger's consumer until it holds `sent`."""
    topic = unique_topic("intake")
    await ensure_topics(kafka, [topic, dead_letter_topic(topic)], partitions=1)
    producer = reliable_producer(kafka)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, partition=0)
    finally:
        await producer.stop()
    consumer = Consumer(f"audit-{uuid.uuid4().hex[:8]}", [topic], kafka, pool, ledger.append)

    async def in_the_ledger() -> bool:
        return await recorded(pool, sent.event_id) is not None

    await run_until(consumer, in_the_ledger)
    assert await message_count(kafka, dead_letter_topic(topic)) == 0


@pytest.fixture
async def arrived(audit_pool: asyncpg.Pool, kafka: str) -> tuple[Envelope, bytes]:
    """A newer producer's message, taken in by the ledger's consumer."""
    sent = envelope()
    value = from_a_newer_producer(sent)
    await take_in(audit_pool, kafka, sent, value)
    return sent, value


async def test_a_relay_message_is_hashed_as_sent_not_as_re_serialised(
    audit_pool: asyncpg.Pool, kafka: str
):
    sent = envelope()
    value = sent.kafka_value()  # what a relay publishes: the envelope's own field order
    await take_in(audit_pool, kafka, sent, value)

    entry = await recorded(audit_pool, sent.event_id)

    assert value != sent.canonical_json()
    assert (entry["envelope"], entry["leaf_hash"]) == (value, leaf_hash(value))


async def test_an_envelope_with_an_unknown_field_is_recorded_as_the_bytes_that_arrived(
    audit_pool: asyncpg.Pool, arrived: tuple[Envelope, bytes]
):
    sent, value = arrived
    entry = await recorded(audit_pool, sent.event_id)
    anchor = await new_checkpointer(audit_pool).issue()
    assert anchor is not None
    proof = await proofs.prove_inclusion(audit_pool, entry["leaf_index"], anchor.tree_size)

    assert entry["envelope"] == value
    assert entry["leaf_hash"] == leaf_hash(value)
    where = (entry["leaf_index"], anchor.tree_size, proof, anchor.root_hash)
    assert verify_inclusion(leaf_hash(value), *where)
    reserialised = Envelope.from_kafka(value).canonical_json()
    assert not verify_inclusion(leaf_hash(reserialised), *where)


async def test_the_case_bundle_carries_the_bytes_as_sent_and_verifies_offline(
    audit_pool: asyncpg.Pool, arrived: tuple[Envelope, bytes]
):
    sent, value = arrived
    checkpointer = new_checkpointer(audit_pool)
    await checkpointer.issue()

    bundle = json.loads(json.dumps(await bundles.case_bundle(audit_pool, sent.case_id, None, None)))

    assert [e["envelope"].encode() for e in bundle["entries"]] == [value]
    report = verify_bundle(bundle, checkpointer.signer.public_key, witness=WITNESS)
    assert report.valid, describe(report)
