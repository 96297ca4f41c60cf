"""A service killed with SIGKILL while it is busy: nothing acknowledged is lost, nothing is
duplicated, anywhere. The kill comes when the test sees work in flight, not after a fixed
sleep, and the ledger shows it: entries of referrals made before the kill arrive after it."""

import asyncio
import time
from datetime import datetime

from shared.kafka import topic_of
from tests.conftest import KAFKA
from tests.fault.load import Load
from tests.support.ledger import LedgerMark
from tests.support.once import assert_once_everywhere
from tests.support.stack import Stack
from tests.support.wire import TopicMark


async def kill_while_busy(stack: Stack, service: str, load: Load, ledger: LedgerMark) -> dict:
    """SIGKILL `service` once referrals flow and some acknowledged ones are not in the ledger
    yet (work in flight); restart it while the load goes on. What was made before the kill."""
    while True:
        await load.wait_acknowledged(len(load.acknowledged) + 10)
        made = set(load.acknowledged)
        in_ledger = {e["case_id"] for e in await ledger.entries_now(made)}
        if len(load.acknowledged) >= 40 and made - in_ledger:
            break
    killed_at = time.time()
    stack.kill(service)
    made = set(load.acknowledged)
    await asyncio.sleep(1)  # the load meets the dead service (intake) or piles up (audit)
    # Intake answers nothing while dead: what is acknowledged by now, the killed process took
    # (answers it sent just before the kill are read by the clients just after).
    before_restart = set(load.acknowledged)
    stack.start(service)
    await stack.wait_ready(service)
    await load.wait_acknowledged(len(load.acknowledged) + 40)
    return {"made": made, "before_restart": before_restart, "killed_at": killed_at}


def arrived_after(entries: list[dict], cases: set[str], moment: float) -> set[str]:
    return {
        e["case_id"]
        for e in entries
        if e["case_id"] in cases and datetime.fromisoformat(e["received_at"]).timestamp() > moment
    }


async def test_audit_killed_while_appending_restarts_and_holds_each_event_once(
    stack: Stack, tmp_path
):
    wire = await TopicMark.now(KAFKA, topic_of("intake"))
    ledger = await LedgerMark.now(stack.url("audit"))
    load = Load([stack.url("intake")]).start()
    try:
        kill = await kill_while_busy(stack, "audit", load, ledger)
    finally:
        await load.stop()

    made = set(load.acknowledged)
    seen = await assert_once_everywhere(wire, ledger, made, tmp_path, seconds=120)

    assert set(load.statuses) == {201}, "intake kept taking referrals"
    assert arrived_after(seen["entries"], kill["made"], kill["killed_at"]), "busy at the kill"


async def test_intake_killed_mid_load_every_acknowledged_referral_reaches_the_ledger_once(
    stack: Stack, tmp_path
):
    wire = await TopicMark.now(KAFKA, topic_of("intake"))
    ledger = await LedgerMark.now(stack.url("audit"))
    load = Load([stack.url("intake")]).start()
    try:
        kill = await kill_while_busy(stack, "intake", load, ledger)
    finally:
        await load.stop()

    made = set(load.acknowledged)
    # The killed relay may have been acknowledged by the broker and died before recording
    # its position: the events made before the kill may be on the topic twice, no others.
    seen = await assert_once_everywhere(
        wire, ledger, made, tmp_path, may_repeat=kill["before_restart"], seconds=120
    )

    assert load.broken(stack.url("intake")) >= 1, "requests were in flight at the kill"
    assert arrived_after(seen["entries"], kill["made"], kill["killed_at"]), "busy at the kill"
    assert made > kill["before_restart"], "intake took referrals again after its restart"
