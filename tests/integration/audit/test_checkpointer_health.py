"""The checkpointer says in its health (and so in audit's /health/ready and metrics) when it
refuses to sign because the stored tree no longer extends its last checkpoint."""

import asyncio
import contextlib

from services.audit.checkpoints import Checkpointer
from tests.integration.audit.helpers import append, as_maintenance, new_checkpointer
from tests.support.ledger_data import some_events


async def one_round(checkpointer: Checkpointer) -> None:
    task = asyncio.create_task(checkpointer.run(interval=60))
    await asyncio.sleep(0.5)  # the first round signs (or refuses) at once, then waits
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_checkpointer_that_refuses_a_tampered_tree_is_reported_as_refused(audit_pool):
    checkpointer = new_checkpointer(audit_pool)
    await append(audit_pool, some_events(20))
    await one_round(checkpointer)
    assert checkpointer.health() == {"ok": True, "state": "signing", "error": ""}

    # the subtree over leaves 0-15, which every later root is built from
    await as_maintenance(
        audit_pool, "UPDATE ledger_nodes SET hash = sha256(hash) WHERE level = 4 AND index = 0"
    )
    await append(audit_pool, some_events(3))
    await one_round(checkpointer)

    health = checkpointer.health()
    assert health["ok"] is False and health["state"] == "refused"
    assert "no longer extends checkpoint" in health["error"]
