""" "Once" as a user of the pipeline means it: a test's events are on their topic once (or
repeated only where the test names why), in the ledger once, on no dead-letter topic,
accounted for by reconciliation, and the whole ledger still proves consistent with a
checkpoint issued before the test's fault."""

import asyncio
import json
from pathlib import Path
from typing import Any

from tests.support.bundles import verify_ledger_since
from tests.support.ledger import LedgerMark, once_each
from tests.support.wire import TopicMark, event_ids_of


async def assert_once_everywhere(
    wire: TopicMark,
    ledger: LedgerMark,
    case_ids: set[str],
    folder: Path,
    *,
    per_case: int = 1,
    may_repeat: set[str] | None = None,
    seconds: float = 60,
) -> dict[str, Any]:
    """Check every place an event of these cases can be; `may_repeat` names the cases whose
    events a crashed relay may have republished (the broker acknowledged them and the relay
    died before recording its position). What was seen, for the test to say more."""
    records = await wire.messages_of(case_ids, per_case, seconds)
    entries = await ledger.entries_of(case_ids, per_case, seconds)
    on_wire, in_ledger = event_ids_of(records), once_each(entries)

    assert len(on_wire) == len(case_ids) * per_case, "each case's events, each with its own id"
    repeated = {r.key.decode() for r in records if on_wire[_event_id(r)] > 1}
    unexplained = repeated - (may_repeat or set())
    assert not unexplained, f"{len(unexplained)} of {len(repeated)} republished without a crash"
    assert in_ledger.keys() == on_wire.keys()
    assert set(in_ledger.values()) == {1}, "an event twice in the ledger"
    assert await wire.dead_letters_of(case_ids, set(on_wire)) == []
    assert await _reconciled(ledger, records, entries) == []
    whole = await asyncio.to_thread(verify_ledger_since, ledger, folder)
    assert whole["exit"] == 0 and whole["verdict"].startswith("valid:"), whole["verdict"]
    assert whole["checkpoints"][0] == ledger.checkpoint["id"], "proven from before the fault"
    return {"records": records, "entries": entries, "repeated": repeated, "whole": whole}


async def _reconciled(ledger: LedgerMark, records, entries, seconds: float = 20) -> list[str]:
    """Reconciliation's problems with these messages, given time for the ledger consumer to
    pass a republished copy (pending until then)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        problems = await ledger.unreconciled(records, entries)
        if not problems or loop.time() > deadline:
            return problems
        await asyncio.sleep(0.5)


def _event_id(record) -> str:
    return json.loads(record.value)["event_id"]
