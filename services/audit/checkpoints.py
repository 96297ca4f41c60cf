"""Signed checkpoints: the tree size and root hash at a moment, signed with Ed25519.

Issued every few seconds while the tree grows, and on request; every one is kept. Before
signing, the stored checkpoints are checked against the last one this process signed
(trust.py) and the new tree is proven to extend both, so the ledger never signs a history
that contradicts one it signed before. Each note also commits to the case index
(case_index.py), and once stored it is sent to the witness (witnessing.py), whose cosignature
is kept with it.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg
import structlog
from aiokafka.errors import KafkaError

from services.audit import case_index, entries, proofs, trust, witnessing
from services.audit.checkpoint_log import CheckpointLog
from services.audit.checkpoint_rows import (
    COLUMNS,
    NEWEST_INDEXED,
    Checkpoint,
    between,
    by_id,
    by_id_or_none,
    chosen,
    latest,
    latest_cosigned,
    latest_or_none,
    page,
    rfc3339,
)
from services.audit.errors import LedgerCorrupted, SigningRefused
from services.audit.signing import Signer
from services.audit.verifier import (
    ORIGIN,
    checkpoint_body,
    note_key_hash,
    open_note,
    verify_consistency,
)

# The rows and their queries live in checkpoint_rows.py; callers name them from here.
__all__ = ["Checkpoint", "Checkpointer", "between", "by_id", "chosen", "latest",
           "latest_cosigned", "latest_or_none", "page", "rfc3339"]  # fmt: skip

log = structlog.get_logger()
_ISSUING_LOCK = 4245
_KEEP_SEQUENCE_ON = "SELECT setval(pg_get_serial_sequence('ledger_checkpoints', 'id'), $1)"


class Checkpointer:
    """Signs the tree, but only after checking what is stored against what it signed itself
    (services/audit/trust.py); when a check fails it raises an alarm and stops."""

    def __init__(self, pool: asyncpg.Pool, signer: Signer, history: CheckpointLog | None = None,
                 witness: witnessing.HttpWitness | None = None):  # fmt: skip
        self.pool = pool
        self.signer = signer
        self.history = history  # the Kafka topic every signed checkpoint is published to
        self.witness = witness  # asked to cosign each new checkpoint
        self.published_id: int | None = None  # None: the topic's newest not read yet
        self.trusted: Checkpoint | None = None  # the last checkpoint signed or verified here
        self.state, self.error = "signing", ""

    def health(self) -> dict[str, Any]:
        """signing; refused (an open alarm: a person must look, see the error and
        trust.py); or database_unreachable (retried)."""
        return {"ok": self.state == "signing", "state": self.state, "error": self.error}

    async def issue(self, only_if_grown: bool = False) -> Checkpoint | None:
        """Sign the tree as it stands; with only_if_grown, only if it grew since the last."""
        try:
            issued = await self._issue(only_if_grown)
            cosigned = await self._cosign_latest()
        except SigningRefused:
            raise
        except LedgerCorrupted as error:
            alarm = await trust.raise_alarm(self.pool, str(error))
            self._refuse(alarm.error)
            raise SigningRefused(f"{error}; signing is stopped until a person acts") from None
        await self._publish_pending(cosigned)
        return cosigned if issued and cosigned and cosigned.id == issued.id else issued

    async def _cosign_latest(self) -> "Checkpoint | None":
        """The witness's cosignature of the newest checkpoint, if it has none yet; a witness
        that cannot cosign now is asked again next round (health says why)."""
        self.state, self.error = "signing", ""
        latest = await latest_or_none(self.pool)
        if self.witness is None or latest is None or latest.cosignatures:
            return None
        note = latest.signed_note()
        if note is None:
            return None
        try:
            line = await witnessing.cosign(self.pool, self.witness, latest.id, latest.tree_size,
                                           note)  # fmt: skip
        except witnessing.WitnessUnavailable as error:
            self.state, self.error = "witness_unavailable", str(error)
            log.warning("checkpoint.not_cosigned", id=latest.id, error=str(error))
            return None
        if line is None:
            return None  # the witness is past it: the later checkpoint is cosigned instead
        return await by_id_or_none(self.pool, latest.id)  # None if deleted meanwhile

    async def _issue(self, only_if_grown: bool) -> Checkpoint | None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _ISSUING_LOCK)
            await self._no_open_alarm(conn)
            await self._recall(conn)
            previous = await latest_or_none(conn)
            await trust.check_history(conn, self.trusted, previous, self.signer.public_key)
            size = await entries.tree_size(conn)
            if only_if_grown and previous and previous.tree_size >= size:
                self.trusted = previous
                return None
            root = await proofs.root_at(conn, size)
            for earlier in (self.trusted, previous):
                await _check_extends(conn, earlier, size, root)
            issued_at = datetime.now(UTC)
            if previous and issued_at < previous.issued_at:
                issued_at = previous.issued_at  # the clock stepped back: time never runs back
            new_id = previous.id + 1 if previous else 1
            cases, version = await _advance_case_index(conn, previous, size, self.signer)
            new = self._signed(new_id, size, root, issued_at, cases)
            row = await conn.fetchrow(  # ids run on from the last: a gap means a deletion
                "INSERT INTO ledger_checkpoints (id, tree_size, root_hash, issued_at, key_id,"
                " signature, note_signature, case_index_root, case_index_version)"
                f" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}",
                new.id, new.tree_size, new.root_hash, new.issued_at, new.key_id,
                new.signature, new.note_signature, new.case_index_root, version,
            )  # fmt: skip
            await conn.execute(_KEEP_SEQUENCE_ON, row["id"])  # for any writer using the default
        self.trusted = Checkpoint(**dict(row))
        return self.trusted

    def _signed(self, checkpoint_id: int, size: int, root: bytes, at: datetime,
                cases: bytes) -> Checkpoint:  # fmt: skip
        signature = self.signer.sign(checkpoint_body(size, root, rfc3339(at)))
        draft = Checkpoint(checkpoint_id, size, root, at, self.signer.key_id, signature,
                           case_index_root=cases)  # fmt: skip
        key_hash = note_key_hash(ORIGIN, self.signer.public_key)
        note_signature = key_hash + self.signer.sign(draft.note_text().encode())
        return Checkpoint(checkpoint_id, size, root, at, self.signer.key_id, signature,
                          note_signature, cases)  # fmt: skip

    async def _no_open_alarm(self, conn: asyncpg.Connection) -> None:
        alarm = await trust.open_alarm(conn)
        if alarm is not None:
            self._refuse(alarm.error)
            raise SigningRefused(f"alarm #{alarm.id} is open: {alarm.error}")
        if self.state == "refused":  # a person resolved the alarm: start afresh from storage
            log.warning("checkpoint.resuming", trusted_before=self.error)
            self.trusted = None
            self.published_id = await conn.fetchval(
                "SELECT coalesce(max(id), 0) FROM ledger_checkpoints"
            )  # publish what is signed from now on; the topic keeps what came before

    async def _recall(self, conn: asyncpg.Connection) -> None:
        """At start: the newest checkpoint published is one this ledger signed, so it must
        still be stored, unchanged; it is trusted from then on."""
        if self.history is None or self.published_id is not None:
            return
        try:
            newest = await self.history.newest(self.signer.public_key)
        except ValueError as error:
            raise LedgerCorrupted(str(error)) from None
        self.published_id = newest.id if newest else 0
        if newest is None:
            return
        stored = await by_id_or_none(conn, newest.id)
        if stored is None or (stored.tree_size, stored.root_hash) != (
            newest.tree_size,
            newest.root_hash,
        ):
            raise LedgerCorrupted(
                f"checkpoint #{newest.id} (tree size {newest.tree_size}), published to"
                f" {self.history.topic}, is {'gone from' if stored is None else 'changed in'}"
                " the database"
            )
        if self.trusted is None or stored.id > self.trusted.id:
            self.trusted = stored

    async def _publish_pending(self, cosigned: "Checkpoint | None") -> None:
        """Every stored checkpoint not published yet, in order (two instances may both
        publish one: readers take a checkpoint id once), and again once it is cosigned."""
        if self.history is None or self.published_id is None:
            return
        if cosigned and cosigned.id <= self.published_id:
            await self.history.publish(cosigned.id, cosigned.signed_note() or "")
        for checkpoint in await between(self.pool, self.published_id + 1, 2**62):
            note = checkpoint.signed_note()
            if note is not None:
                await self.history.publish(checkpoint.id, note)
            self.published_id = checkpoint.id

    def _refuse(self, error: str) -> None:
        self.state, self.error = "refused", error

    async def run(self, interval: float) -> None:
        """Issue a checkpoint every `interval` seconds while the tree grows."""
        try:
            while True:
                await self._round()
                await asyncio.sleep(interval)
        finally:
            if self.history is not None:
                await self.history.stop()

    async def _round(self) -> None:
        try:
            issued = await self.issue(only_if_grown=True)
            if issued:
                log.debug("checkpoint.issued", id=issued.id, tree_size=issued.tree_size)
        except SigningRefused:
            pass  # raised, logged and counted once per alarm (trust.raise_alarm)
        except (OSError, asyncpg.PostgresError) as error:
            self.state, self.error = "database_unreachable", repr(error)
            log.warning("checkpoint.failed", error=repr(error))
        except (KafkaError, TimeoutError) as error:  # signed, not yet published: retried
            self.state, self.error = "broker_unreachable", repr(error)
            log.warning("checkpoint.unpublished", error=repr(error))


async def _advance_case_index(conn: asyncpg.Connection, previous: Checkpoint | None,
                              size: int, signer: Signer) -> tuple[bytes, int | None]:  # fmt: skip
    """The case index at `size`, from the newest checkpoint that has one (from the first leaf
    when none has), and the version its changes are stored under. A checkpoint without one
    was signed by a ledger from before the index (during an upgrade, one may still run)."""
    base = previous
    if base is not None and base.case_index_root is None:
        row = await conn.fetchrow(NEWEST_INDEXED)
        base = Checkpoint(**dict(row)) if row else None
        if base is not None and open_note(base.signed_note() or "", ORIGIN,
                                          signer.public_key) is None:  # fmt: skip
            raise LedgerCorrupted(f"checkpoint #{base.id}'s note is not signed by this ledger")
    if base is None or base.case_index_root is None:
        return await case_index.advance(conn, 0, size, 0, case_index.EMPTY_ROOT)
    return await case_index.advance(conn, base.tree_size, size, base.id,
                                    base.case_index_root)  # fmt: skip


async def _check_extends(conn: asyncpg.Connection, previous: Checkpoint | None, size: int,
                         root: bytes) -> None:  # fmt: skip
    if previous is None:
        return
    if size < previous.tree_size:
        raise LedgerCorrupted(f"the tree shrank from {previous.tree_size} to {size} leaves")
    proof = await proofs.prove_consistency(conn, previous.tree_size, size)
    if not verify_consistency(previous.tree_size, size, previous.root_hash, root, proof):
        raise LedgerCorrupted(f"the stored tree no longer extends checkpoint #{previous.id}")
