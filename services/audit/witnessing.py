"""Asking the witness (services/witness) to cosign the ledger's newest checkpoint, by the C2SP
tlog-witness protocol, and keeping its cosignature with the checkpoint.

The witness cosigns only a tree that extends the last one it cosigned, so its refusal (422),
or its having cosigned a larger tree than the ledger now holds, means the ledger was rewritten
or lost checkpoints: an alarm (LedgerCorrupted). A witness that cannot be reached, or that
does not know this log or its key (a setting is wrong), only delays the cosignature: it is
asked again at the next round, and the checkpointer's health says why.
"""

import base64

import asyncpg
import httpx
import structlog

from services.audit import proofs
from services.audit.errors import LedgerCorrupted
from services.audit.verifier import WitnessKey, cosigned_at

log = structlog.get_logger()

COSIGNATURES_SCHEMA = """
-- The witness's cosignature line of a checkpoint's signed note (C2SP tlog-cosignature).
CREATE TABLE IF NOT EXISTS ledger_cosignatures (
    checkpoint_id bigint NOT NULL,
    witness text NOT NULL,
    tree_size bigint NOT NULL,
    line text NOT NULL,
    cosigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (checkpoint_id, witness)
);
"""


class WitnessUnavailable(Exception):
    """Not cosigned now (unreachable, or it refuses for a reason that is not our tree's)."""


class WitnessConflict(Exception):
    def __init__(self, latest_size: int) -> None:
        super().__init__(f"the witness last cosigned a tree of size {latest_size}")
        self.latest_size = latest_size


class WitnessInconsistent(Exception):
    """422: the witness found that the tree does not extend the one it cosigned."""


class HttpWitness:
    """The witness's add-checkpoint endpoint; `client` may carry its own transport."""

    def __init__(self, url: str, key: WitnessKey, client: httpx.AsyncClient | None = None):
        self.url, self.key = url.rstrip("/"), key
        self.client = client or httpx.AsyncClient(timeout=10)

    async def add_checkpoint(self, old_size: int, proof: list[bytes], note: str) -> str:
        body = f"old {old_size}\n" + "".join(f"{base64.b64encode(h).decode()}\n" for h in proof)
        try:
            answer = await self.client.post(f"{self.url}/add-checkpoint",
                                            content=(body + "\n" + note).encode())  # fmt: skip
        except httpx.HTTPError as error:
            raise WitnessUnavailable(
                f"the witness at {self.url} cannot be reached: {error!r}"
            ) from None
        if answer.status_code == 409:
            raise WitnessConflict(int(answer.text.strip()))
        if answer.status_code == 422:
            raise WitnessInconsistent(answer.text.strip())
        if answer.status_code != 200:
            raise WitnessUnavailable(f"the witness answered {answer.status_code}: {answer.text}")
        if cosigned_at(note + answer.text, self.key) is None:
            raise WitnessUnavailable("the witness's answer is not a cosignature by its key")
        return answer.text


async def cosign(pool: asyncpg.Pool, witness: HttpWitness, checkpoint_id: int, size: int,
                 note: str) -> str | None:  # fmt: skip
    """The witness's cosignature of the checkpoint, stored; None when the witness has moved
    past it (another instance had a later checkpoint cosigned); raises LedgerCorrupted when
    the witness shows that the ledger's history is not the one it cosigned."""
    old = await last_cosigned_size(pool, witness.key.name)
    for _ in range(3):  # a stale old size is answered with the witness's: try from there
        if old > size:
            await _check_witness_ahead(pool, old, checkpoint_id, size)
            return None
        proof = await proofs.prove_consistency(pool, old, size)
        try:
            line = await witness.add_checkpoint(old, proof, note)
        except WitnessConflict as conflict:
            old = conflict.latest_size
            continue
        except WitnessInconsistent as refusal:
            raise LedgerCorrupted(
                f"the witness refuses checkpoint #{checkpoint_id}: {refusal}"
            ) from None
        await pool.execute(
            "INSERT INTO ledger_cosignatures (checkpoint_id, witness, tree_size, line)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            checkpoint_id, witness.key.name, size, line,
        )  # fmt: skip
        log.debug("checkpoint.cosigned", id=checkpoint_id, witness=witness.key.name)
        return line
    raise WitnessUnavailable("the witness's size kept changing while it was asked")


async def _check_witness_ahead(pool: asyncpg.Pool, witness_size: int, checkpoint_id: int,
                               size: int) -> None:  # fmt: skip
    """The witness cosigned a larger tree than this checkpoint's: fine if this ledger holds a
    checkpoint that large (signed after this one, by another instance); else the ledger has
    lost what the witness saw."""
    stored = await pool.fetchval(
        "SELECT max(tree_size) FROM ledger_checkpoints WHERE id > $1", checkpoint_id
    )
    if stored is None or stored < witness_size:
        raise LedgerCorrupted(
            f"the witness cosigned a tree of {witness_size} leaves, but checkpoint"
            f" #{checkpoint_id} has {size} and none later has as many: the ledger lost entries"
            " or checkpoints"
        )
    log.info("checkpoint.witness_ahead", id=checkpoint_id, witness_size=witness_size)


async def last_cosigned_size(db: asyncpg.Pool | asyncpg.Connection, witness: str) -> int:
    """The tree size the witness last cosigned, as stored here (the witness corrects it)."""
    return await db.fetchval(
        "SELECT coalesce(max(tree_size), 0) FROM ledger_cosignatures WHERE witness = $1", witness
    )
