"""The audit service's queries and commands, over its database, signer and Kafka reader."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.audit import bundles, checkpoints, entries, proofs
from services.audit.checkpoints import Checkpointer
from services.audit.errors import InvalidRequest, NoCheckpointYet
from services.audit.reconcile import Reconciler
from services.audit.signing import Signer
from services.audit.verifier import ORIGIN, note_verifier_key, verify_consistency
from shared.consumer import Consumer


@dataclass
class AuditApplication:
    pool: asyncpg.Pool
    signer: Signer
    checkpointer: Checkpointer
    reconciler: Reconciler
    consumer: Consumer | None = None

    async def entries_page(self, after: int, limit: int) -> list[dict[str, Any]]:
        return [entries.as_json(r) for r in await entries.page(self.pool, after, limit)]

    async def entry(self, event_id: UUID) -> dict[str, Any]:
        index = await entries.leaf_index_of(self.pool, event_id)
        return entries.as_json(await entries.by_leaf_index(self.pool, index))

    async def issue_checkpoint(self) -> dict[str, Any]:
        issued = await self.checkpointer.issue()
        assert issued is not None  # only an issue that may skip returns None
        return issued.as_json()

    async def checkpoint(self, checkpoint_id: int | None) -> dict[str, Any]:
        return (await checkpoints.chosen(self.pool, checkpoint_id)).as_json()

    async def checkpoints(self, after_id: int, limit: int) -> list[dict[str, Any]]:
        return [c.as_json() for c in await checkpoints.page(self.pool, after_id, limit)]

    def public_key(self) -> dict[str, Any]:
        witness = self.checkpointer.witness
        return {"algorithm": "Ed25519", "public_key": self.signer.public_key_b64,
                "key_id": self.signer.key_id,
                "note_verifier_key": note_verifier_key(ORIGIN, self.signer.public_key),
                # Verifiers need it too; pin it from the witness's operator, not from here.
                "witness_key": witness.key.vkey() if witness else None}  # fmt: skip

    async def latest_note(self) -> str:
        note = (await checkpoints.latest(self.pool)).signed_note()
        if note is None:
            raise NoCheckpointYet("the latest checkpoint predates signed notes; POST /checkpoints")
        return note

    async def inclusion_proof(
        self, event_id: UUID | None, leaf_index: int | None, checkpoint_id: int | None
    ) -> dict[str, Any]:
        if (event_id is None) == (leaf_index is None):
            raise InvalidRequest("give either event_id or leaf_index")
        if leaf_index is None:
            assert event_id is not None  # exactly one of the two is given (checked above)
            leaf_index = await entries.leaf_index_of(self.pool, event_id)
        anchor = await checkpoints.chosen(self.pool, checkpoint_id)
        return await bundles.proven_entry(self.pool, leaf_index, anchor)

    async def consistency_proof(self, from_id: int, to_id: int | None) -> dict[str, Any]:
        old = await checkpoints.by_id(self.pool, from_id)
        new = await checkpoints.chosen(self.pool, to_id)
        if old.tree_size > new.tree_size:
            raise InvalidRequest(f"checkpoint #{old.id} is larger than #{new.id}; swap them")
        proof = await proofs.prove_consistency(self.pool, old.tree_size, new.tree_size)
        verified = verify_consistency(
            old.tree_size, new.tree_size, old.root_hash, new.root_hash, proof
        )
        return {"from": old.as_json(), "to": new.as_json(),
                "proof": [h.hex() for h in proof], "verified": verified}  # fmt: skip

    async def consistency_proof_between(self, from_size: int, to_size: int) -> dict[str, Any]:
        size = await entries.tree_size(self.pool)
        if not from_size <= to_size <= size:
            raise InvalidRequest(
                f"to_size must be at least from_size ({from_size}) and at most the tree's"
                f" {size} leaves, not {to_size}"
            )
        proof = await proofs.prove_consistency(self.pool, from_size, to_size)
        root = await proofs.root_at(self.pool, to_size)
        return {"from_size": from_size, "to_size": to_size, "to_root": root.hex(),
                "proof": [h.hex() for h in proof]}  # fmt: skip

    async def case_history(
        self, case_id: UUID, checkpoint_id: int | None, at: datetime | None
    ) -> dict[str, Any]:
        return await bundles.case_history(self.pool, case_id, checkpoint_id, at)

    async def case_bundle(
        self, case_id: UUID, checkpoint_id: int | None, at: datetime | None
    ) -> dict[str, Any]:
        return await bundles.case_bundle(self.pool, case_id, checkpoint_id, at)

    async def ledger_bundle_head(self, checkpoint_id: int | None, since: int) -> dict[str, Any]:
        return await bundles.ledger_bundle_head(self.pool, checkpoint_id, since)

    async def ledger_bundle_entries(
        self, checkpoint_id: int, after: int, limit: int
    ) -> dict[str, Any]:
        return await bundles.ledger_bundle_entries(self.pool, checkpoint_id, after, limit)

    async def reconciliation(self, fresh: bool) -> dict[str, Any]:
        if fresh or self.reconciler.last is None:
            return await self.reconciler.run_once()
        return self.reconciler.last
