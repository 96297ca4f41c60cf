"""Every signed checkpoint goes to a Kafka topic of its own that never deletes anything, and a
restarted checkpointer reads what it signed last from there, not from the database."""

import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from services.audit.checkpoint_log import CheckpointLog
from services.audit.checkpoints import Checkpointer
from services.audit.errors import SigningRefused
from services.audit.verifier import ORIGIN, cosigned_at, open_note
from shared.kafka import TopicPolicy
from tests.conftest import KAFKA
from tests.integration.audit.helpers import WITNESS, append, new_checkpointer
from tests.integration.audit.test_ledger_trust_attack import KEPT, SEEN, rewrite_after
from tests.support.ledger_data import some_events


@pytest.fixture
async def history():
    log = CheckpointLog(KAFKA, TopicPolicy(), topic=f"test.checkpoints.{uuid.uuid4().hex[:10]}")
    yield log
    await log.stop()


async def published(topic: str) -> list[tuple[bytes, str]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=KAFKA, auto_offset_reset="earliest",
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=5000)
        return [(m.key, m.value.decode()) for batch in batches.values() for m in batch]
    finally:
        await consumer.stop()


async def topic_config(topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        [(_, _, _, _, entries)] = response.resources
        return {entry[0]: entry[1] for entry in entries}
    finally:
        await admin.close()


async def test_signed_checkpoints_are_published_as_notes_to_a_topic_that_keeps_them(
    audit_pool, history
):
    checkpointer = Checkpointer(audit_pool, new_checkpointer(audit_pool).signer, history)
    await append(audit_pool, some_events(3))
    first = await checkpointer.issue()
    await append(audit_pool, some_events(4))
    second = await checkpointer.issue()
    assert first and second

    notes = await published(history.topic)

    assert notes == [(b"%d" % first.id, first.signed_note()),
                     (b"%d" % second.id, second.signed_note())]  # fmt: skip
    assert open_note(notes[1][1], ORIGIN, checkpointer.signer.public_key)
    config = await topic_config(history.topic)
    assert (config["cleanup.policy"], config["retention.ms"], config["retention.bytes"]) == (
        "delete", "-1", "-1",
    )  # fmt: skip


async def test_a_restarted_checkpointer_refuses_a_rewrite_made_while_it_was_down(
    audit_pool, history
):
    signer = new_checkpointer(audit_pool).signer
    before = Checkpointer(audit_pool, signer, history)
    await append(audit_pool, some_events(KEPT))
    await before.issue()
    await append(audit_pool, some_events(SEEN - KEPT))
    seen = await before.issue()
    assert seen is not None

    await rewrite_after(audit_pool, KEPT, forged=SEEN - KEPT + 2)  # while no one watches
    restarted = Checkpointer(audit_pool, signer, CheckpointLog(KAFKA, TopicPolicy(), history.topic))

    with pytest.raises(SigningRefused, match=f"checkpoint #{seen.id} .* is gone from the database"):
        await restarted.issue()
    assert restarted.health()["state"] == "refused"
    assert await audit_pool.fetchval("SELECT max(tree_size) FROM ledger_checkpoints") == KEPT


async def test_a_checkpoint_cosigned_later_is_published_again_with_the_cosignature(
    audit_pool, history
):
    witnessed = new_checkpointer(audit_pool)
    checkpointer = Checkpointer(audit_pool, witnessed.signer, history)  # the witness is down
    await append(audit_pool, some_events(3))
    issued = await checkpointer.issue()
    checkpointer.witness = witnessed.witness  # it is back
    await checkpointer.issue(only_if_grown=True)
    assert issued is not None

    notes = await published(history.topic)

    assert [key for key, _ in notes] == [b"%d" % issued.id] * 2
    assert cosigned_at(notes[0][1], WITNESS) is None
    assert cosigned_at(notes[1][1], WITNESS) is not None
