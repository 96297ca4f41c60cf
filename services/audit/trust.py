"""What the checkpointer checks before it signs, and the alarm it raises when a check fails.

The database is not trusted: anyone who can write to it could delete the newest checkpoints
and rewrite the entries after the last one left. So the checkpointer remembers the last
checkpoint it signed or verified itself (`trusted`) and, before signing again, checks that
the stored checkpoints from that one on are all there (ids run on without a gap), unchanged,
and signed by its key. A failed check is recorded as an open alarm (checkpointer_alarms);
while one is open nothing is signed, even after a restart, until a person resolves it:

    python -m services.audit.cli resume-signing --by NAME --reason TEXT

which records who, why and when, and makes the checkpointer start afresh from the newest
stored checkpoint (after checking its signature).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import asyncpg
import structlog
from prometheus_client import Counter, Gauge

from services.audit.errors import LedgerCorrupted
from services.audit.verifier import ORIGIN, open_note, verify_checkpoint_signature

if TYPE_CHECKING:
    from services.audit.checkpoints import Checkpoint

log = structlog.get_logger()
REFUSING = Gauge(
    "rapport_audit_checkpointer_refusing",
    "1 while the checkpointer refuses to sign (an open alarm: a person must resolve it).",
)
REFUSALS = Counter(
    "rapport_audit_checkpointer_alarms", "Alarms raised: a check before signing failed."
)

RESUME = "python -m services.audit.cli resume-signing --by NAME --reason TEXT"


@dataclass(frozen=True)
class Alarm:
    id: int
    error: str


async def check_history(conn: asyncpg.Connection, trusted: "Checkpoint | None",
                        latest: "Checkpoint | None", public_key: bytes) -> None:  # fmt: skip
    """Raise LedgerCorrupted unless the stored checkpoints carry on from `trusted` intact."""
    if latest is None:
        if trusted is not None:
            raise LedgerCorrupted(f"every checkpoint is gone; #{trusted.id} was signed")
        return
    _check_signature(latest, public_key)
    if trusted is None:
        return
    if latest.id < trusted.id or latest.tree_size < trusted.tree_size:
        raise LedgerCorrupted(
            f"checkpoint #{trusted.id} (tree size {trusted.tree_size}) was signed, but the"
            f" newest stored is #{latest.id} (tree size {latest.tree_size}): checkpoints"
            " were deleted"
        )
    from services.audit.checkpoints import between

    stored = await between(conn, trusted.id, latest.id)
    ids = [c.id for c in stored]
    if ids != list(range(trusted.id, latest.id + 1)):
        gone = sorted(set(range(trusted.id, latest.id + 1)) - set(ids))
        raise LedgerCorrupted(f"checkpoints {_names(gone)} are missing: ids must run on")
    if (stored[0].tree_size, stored[0].root_hash) != (trusted.tree_size, trusted.root_hash):
        raise LedgerCorrupted(f"checkpoint #{trusted.id} was changed after it was signed")
    for checkpoint in stored[1:]:
        _check_signature(checkpoint, public_key)


def _check_signature(checkpoint: "Checkpoint", public_key: bytes) -> None:
    """Both signatures: the note's covers the case index root the next checkpoint builds on."""
    note = checkpoint.signed_note()
    if not verify_checkpoint_signature(public_key, checkpoint.body(), checkpoint.signature) or (
        note is not None and open_note(note, ORIGIN, public_key) is None
    ):
        raise LedgerCorrupted(f"checkpoint #{checkpoint.id} does not carry this ledger's signature")


def _names(ids: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:5])
    return shown + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


async def open_alarm(db: asyncpg.Pool | asyncpg.Connection) -> Alarm | None:
    row = await db.fetchrow(
        "SELECT id, error FROM checkpointer_alarms WHERE resolved_at IS NULL ORDER BY id LIMIT 1"
    )
    REFUSING.set(1 if row else 0)
    return Alarm(row["id"], row["error"]) if row else None


async def raise_alarm(pool: asyncpg.Pool, error: str) -> Alarm:
    """Record the failed check (once while one is open), count it, and log it at error."""
    alarm = await open_alarm(pool)
    if alarm is None:
        alarm_id = await pool.fetchval(
            "INSERT INTO checkpointer_alarms (error) VALUES ($1) RETURNING id", error
        )
        alarm = Alarm(alarm_id, error)
        REFUSALS.inc()
    REFUSING.set(1)
    log.error("checkpoint.refused", alarm=alarm.id, error=error, action=RESUME)
    return alarm


async def resolve(conn: asyncpg.Connection, by: str, reason: str) -> list[int]:
    """A person's decision that signing may go on; returns the alarms it resolved."""
    rows = await conn.fetch(
        "UPDATE checkpointer_alarms SET resolved_at = now(), resolved_by = $1, reason = $2"
        " WHERE resolved_at IS NULL RETURNING id",
        by, reason,
    )  # fmt: skip
    resolved = [r["id"] for r in rows]
    log.warning("checkpoint.signing_resumed", alarms=resolved, by=by, reason=reason)
    return resolved
