"""One event id arriving with different bytes is an alarm, not a duplicate (issue 7, fault
3): the ledger refuses the batch with an error that is never the message's fault, logs it
and counts it; the same bytes again is a harmless duplicate. Real PostgreSQL."""

import asyncpg
import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from services.audit import ledger
from shared.faults import NotTheMessagesFault
from tests.support.ledger_data import delivered, envelope

ALARMS = "rapport_audit_ledger_event_id_conflicts_total"


async def append(pool: asyncpg.Pool, items) -> int:
    async with pool.acquire() as conn, conn.transaction():
        return await ledger.append(conn, items)


async def leaves(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM ledger_entries")


async def test_the_same_event_again_with_the_same_bytes_is_a_harmless_duplicate(audit_pool):
    event = envelope()
    await append(audit_pool, delivered([event]))

    assert await append(audit_pool, delivered([event])) == 0
    assert await leaves(audit_pool) == 1


async def test_an_event_id_already_in_the_ledger_with_other_bytes_raises_an_alarm(audit_pool):
    event = envelope()
    await append(audit_pool, delivered([event]))
    impostor = event.model_copy(update={"data": {**event.data, "referral_source": "self"}})
    before = REGISTRY.get_sample_value(ALARMS) or 0.0

    with capture_logs() as logs, pytest.raises(NotTheMessagesFault, match=str(event.event_id)):
        await append(audit_pool, delivered([envelope(), impostor]))

    assert await leaves(audit_pool) == 1  # the whole batch waits: nothing is skipped
    assert REGISTRY.get_sample_value(ALARMS) == before + 1
    alarms = [line for line in logs if line["log_level"] == "error"]
    assert [line["event_id"] for line in alarms] == [str(event.event_id)]


async def test_one_event_id_twice_in_a_batch_with_other_bytes_raises_an_alarm(audit_pool):
    event = envelope()
    impostor = event.model_copy(update={"site_id": "south"})

    with pytest.raises(NotTheMessagesFault):
        await append(audit_pool, delivered([event, impostor]))

    assert await leaves(audit_pool) == 0
