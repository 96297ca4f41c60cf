"""An event delivered twice, and an event republished by a relay that crashed after the
broker's acknowledgement: every consumer has its effect once, the ledger and any other."""

import json
from collections import Counter

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from tests.fault import private
from tests.fault.effects import counting_consumer, wait_until_consumed
from tests.fault.load import Load
from tests.fault.observe import ledger_counts
from tests.support.stack import Stack
from tests.support.topics import end_offsets, read_since

TOPIC = "intake.events"
AUDIT_CONSUMER = "audit-ledger"


def case_of(record: ConsumerRecord) -> str:
    return json.loads(record.value)["case_id"]


async def records_of(bootstrap: str, case_ids: set[str], times: int) -> list[ConsumerRecord]:
    """The topic's records of these cases, once each case has `times` of them."""

    def enough(records: list[ConsumerRecord]) -> bool:
        seen = Counter(case_of(r) for r in records)
        return all(seen[case] >= times for case in case_ids)

    records = await read_since(bootstrap, TOPIC, {}, enough, seconds=90)
    return [r for r in records if case_of(r) in case_ids]


async def referrals(stack: Stack, count: int) -> set[str]:
    load = Load([stack.url("intake")], workers=2).start()
    try:
        await load.wait_acknowledged(count)
    finally:
        await load.stop()
    return set(load.acknowledged)


async def wait_until_all_consumed(stack: Stack, effects, bootstrap: str) -> None:
    ends = await end_offsets(bootstrap, TOPIC)
    audit_pool = await asyncpg.create_pool(stack.env["AUDIT_DATABASE_URL"], min_size=1)
    try:
        await wait_until_consumed(audit_pool, AUDIT_CONSUMER, TOPIC, ends)
    finally:
        await audit_pool.close()
    await wait_until_consumed(effects.pool, effects.name, TOPIC, ends)


async def test_an_event_delivered_twice_has_its_effect_once_in_every_consumer(
    isolated: Stack, private_kafka: str, private_postgres: str
):
    stack = isolated
    await stack.up("intake", "audit")
    async with (
        private.fresh_databases(private_postgres, "effects") as databases,
        counting_consumer(databases.url("effects"), private_kafka, TOPIC) as effects,
    ):
        cases = await referrals(stack, 30)
        await ledger_counts(stack.url("audit"), cases)
        producer = AIOKafkaProducer(bootstrap_servers=private_kafka, acks="all")
        await producer.start()
        try:
            for record in await records_of(private_kafka, cases, times=1):
                await producer.send_and_wait(TOPIC, record.value, record.key,
                                             headers=list(record.headers))  # fmt: skip
        finally:
            await producer.stop()
        delivered = Counter(case_of(r) for r in await records_of(private_kafka, cases, 2))
        await wait_until_all_consumed(stack, effects, private_kafka)
        applied = await effects.effects_of(cases)

    assert set(delivered.values()) == {2}, "every event is on the topic twice"
    assert await ledger_counts(stack.url("audit"), cases) == Counter(dict.fromkeys(cases, 1))
    assert applied == Counter(dict.fromkeys(cases, 1))


async def test_events_republished_after_a_relay_crash_have_their_effect_once_in_every_consumer(
    isolated: Stack, private_kafka: str, private_postgres: str
):
    stack = isolated
    await stack.up("intake", "audit")
    async with (
        private.fresh_databases(private_postgres, "effects") as databases,
        counting_consumer(databases.url("effects"), private_kafka, TOPIC) as effects,
    ):
        cases = await referrals(stack, 30)
        await ledger_counts(stack.url("audit"), cases)
        await wait_until_all_consumed(stack, effects, private_kafka)
        stack.kill("intake")
        # What a relay killed after the broker's acknowledgement and before recording its
        # position leaves behind: a recorded position behind what was published.
        intake_db = await asyncpg.connect(stack.env["INTAKE_DATABASE_URL"])
        try:
            moved = await intake_db.execute("UPDATE relay_position SET notification_id = 0")
        finally:
            await intake_db.close()
        stack.start("intake")
        await stack.wait_ready("intake")
        delivered = Counter(case_of(r) for r in await records_of(private_kafka, cases, 2))
        await wait_until_all_consumed(stack, effects, private_kafka)
        applied = await effects.effects_of(cases)

    assert moved == "UPDATE 1"
    assert set(delivered.values()) == {2}, "the relay published every event again"
    assert await ledger_counts(stack.url("audit"), cases) == Counter(dict.fromkeys(cases, 1))
    assert applied == Counter(dict.fromkeys(cases, 1))
