"""`make demo`'s month with faults in the middle of it: the Kafka cluster stopped for 30
seconds and started again, and the audit service (the ledger's consumer) killed with SIGKILL
and restarted. The month still completes through the gateway; afterwards the ledger holds
exactly the events the services stored (each event id once, none missing, none extra), and
every risk flag still open in forms is on the site's list the duty clinician reads; the
demo's completed case verifies offline with the ledger's key and the stack's own witness's.

Everything runs on private infrastructure (tests/fault/private.py): a fresh database per
service on the private PostgreSQL and the private three-broker Kafka; only Keycloak, which
the demo signs in with, is the machine's."""

import asyncio
import time

import asyncpg
import pytest

import demo.month
from demo.gateway import Gateway
from demo.month import Month
from demo.report import replay_and_verify
from demo.staff import new_staff
from shared import registry
from shared.envelope import event_id_of
from shared.kafka import all_service_topics
from tests.fault import private
from tests.fault.kafka_admin import end_offsets
from tests.support.stack import Stack

SERVICES = [e.name for e in registry.running()]  # the witness too: verifiers require it
PUBLISHERS = [e.name for e in registry.running() if e.publishes]
OUTAGE_SECONDS = 30


@pytest.fixture
async def demo_stack(private_postgres: str, private_kafka: str):
    private.postgres("up")
    private.kafka_cluster("up")
    # The private cluster's topics hold the session's earlier fault tests too: this run's
    # events are those past where each partition ended now.
    earlier = await end_offsets(private_kafka, all_service_topics())
    async with private.fresh_databases(private_postgres, *SERVICES) as databases:
        stack = private.private_stack(databases, private_kafka)
        stack.env["AUDIT_WITNESS_URL"] = stack.url("witness")  # the stack's own witness
        try:
            await stack.up(*SERVICES)
            yield stack, databases, earlier
        finally:
            stack.stop_all()


async def test_the_demo_month_survives_a_kafka_outage_and_a_killed_ledger_exactly_once(
    demo_stack, monkeypatch, capsys
):
    stack, databases, earlier = demo_stack
    monkeypatch.setattr(demo.month, "PATIENCE", 240.0)  # consumers wait out the outage
    gateway = Gateway(stack.url("gateway"), "north")
    gateway.users["therapist"] = await new_staff("therapist", "north")
    month = Month(gateway)
    started = time.monotonic()
    run = asyncio.create_task(month.drive())
    faults = asyncio.create_task(inject_faults(stack, month, run))
    try:
        await run
        stopped, outage = await faults
        replay, verified = await replay_and_verify(month, month.history[0], stack.url("witness"))
        took = time.monotonic() - started
        stored = await stored_event_ids(databases)
        ledger = await ledger_event_ids(databases, earlier, len(stored))
        open_flags, listed = await risk_flags(databases, gateway)
    finally:
        faults.cancel()
        await gateway.close()

    assert len(ledger) == len(set(ledger)), "an event is in the ledger twice"
    assert set(ledger) == stored, (
        f"ledger {len(ledger)} events, services stored {len(stored)}: "
        f"missing {len(stored - set(ledger))}, extra {len(set(ledger) - stored)}"
    )
    assert open_flags, "the demo leaves one flag open"
    assert listed == open_flags
    assert verified, replay.split("(offline verifier", 1)[1]
    with capsys.disabled():
        print(f"\ndemo under faults: {took:.0f} s, Kafka stopped {stopped:.0f} s (answering "
              f"again {outage:.0f} s after the stop), "
              f"{len(stored)} events stored and in the ledger once each")  # fmt: skip


async def inject_faults(stack: Stack, month: Month, run: asyncio.Task) -> tuple[float, float]:
    """Kafka stopped for 30 s once the month is a quarter through; audit killed and started
    again once it is past half. Returns how long the brokers were stopped, and how long from
    their stop until the cluster answered again."""
    await reached(month, run, 0.25)
    down = time.monotonic()
    await asyncio.to_thread(private.kafka_cluster, "kill", *private.BROKERS)
    await asyncio.sleep(OUTAGE_SECONDS)
    stopped = time.monotonic() - down
    await asyncio.to_thread(private.kafka_cluster, "up")
    outage = time.monotonic() - down
    await reached(month, run, 0.6)
    stack.kill("audit")
    await asyncio.sleep(1)
    stack.start("audit")
    await stack.wait_ready("audit")
    return stopped, outage


async def reached(month: Month, run: asyncio.Task, share: float) -> None:
    while not run.done():
        progress = getattr(month, "progress", None)
        if progress and progress.done >= share * progress.total:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the month ended before {share:.0%} of it: the fault came too late")


async def stored_event_ids(databases: private.PrivateDatabases) -> set[str]:
    ids: set[str] = set()
    for service in PUBLISHERS:
        conn = await asyncpg.connect(databases.url(service))
        try:
            rows = await conn.fetch("SELECT originator_id, originator_version FROM stored_events")
        finally:
            await conn.close()
        ids |= {str(event_id_of(service, r[0], r[1])) for r in rows}
    return ids


async def ledger_event_ids(
    databases: private.PrivateDatabases, earlier: dict[tuple[str, int], int], expected: int
) -> list[str]:
    """The ledger's event ids of this run, once it holds as many as the services stored (or
    after two minutes: the relays and the ledger's consumer catch up after the faults)."""
    conn = await asyncpg.connect(databases.url("audit"))

    async def this_runs() -> list[str]:
        rows = await conn.fetch(
            "SELECT event_id::text, topic, kafka_partition, kafka_offset FROM ledger_entries"
        )
        return [r[0] for r in rows if r[3] >= earlier.get((r[1], r[2]), 0)]

    try:
        for _ in range(600):
            if len(await this_runs()) >= expected:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(3)  # anything more arriving now would be a duplicate or a stray
        return await this_runs()
    finally:
        await conn.close()


async def risk_flags(databases: private.PrivateDatabases, gateway: Gateway) -> tuple[set, set]:
    conn = await asyncpg.connect(databases.url("forms"))
    try:
        rows = await conn.fetch(
            "SELECT flag_id::text FROM forms_flag WHERE site_id = 'north'"
            " AND acknowledged_at IS NULL"
        )
    finally:
        await conn.close()
    listed = await gateway.call("supervisor", "GET", "/forms/sites/north/risk-flags")
    return {r[0] for r in rows}, {f["flag_id"] for f in listed}
