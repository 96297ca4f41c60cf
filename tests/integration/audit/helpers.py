"""Small helpers of the audit integration tests."""

import asyncpg
import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit import bundles, ledger
from services.audit.checkpoints import Checkpointer
from services.audit.signing import Signer
from services.audit.verifier import ORIGIN, WitnessKey
from services.audit.witnessing import HttpWitness
from services.witness import api as witness_api
from services.witness.witness import Log, Witness
from shared.consumer import Delivered

# One ledger, one key: a checkpointer refuses to build on checkpoints another key signed.
_SIGNER = Signer(Ed25519PrivateKey.generate())
_WITNESS_KEY = Ed25519PrivateKey.generate()
# What verifiers are given (--witness-key): the witness's name and public key.
WITNESS = WitnessKey("witness.test", _WITNESS_KEY.public_key().public_bytes_raw())


def witness_over_http(pool: asyncpg.Pool) -> HttpWitness:
    """The real witness (its HTTP protocol and checks), its state in the test's schema,
    served in-process: the checkpointer asks it as it asks the witness service."""
    app = witness_api.app_for(
        Witness(pool, WITNESS.name, _WITNESS_KEY, Log(ORIGIN, _SIGNER.public_key))
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://witness")
    return HttpWitness("http://witness", WITNESS, client)


def new_checkpointer(pool: asyncpg.Pool, witnessed: bool = True) -> Checkpointer:
    return Checkpointer(pool, _SIGNER, witness=witness_over_http(pool) if witnessed else None)


async def as_maintenance(pool: asyncpg.Pool, sql: str) -> None:
    """Rewrite stored rows as someone with database access who sets the documented
    maintenance switch (append-only tables refuse it otherwise: shared/schema.py)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL rapport.maintenance = 'on'")
        await conn.execute(sql)


async def append(pool: asyncpg.Pool, items: list[Delivered]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await ledger.append(conn, items)


async def export_ledger(pool: asyncpg.Pool, checkpoint_id: int | None = None) -> dict:
    """A whole-ledger bundle as the CLI assembles it, against the checkpoint (by default
    the newest the witness cosigned)."""
    head = await bundles.ledger_bundle_head(pool, checkpoint_id, 0)
    page = await bundles.ledger_bundle_entries(pool, head["proven_against"], -1, 100_000)
    return {**head, "entries": page["entries"]}


def new_application(pool: asyncpg.Pool, bootstrap: str = "127.0.0.1:9092"):
    from services.audit.application import AuditApplication
    from services.audit.reconcile import Reconciler

    checkpointer = new_checkpointer(pool)
    reconciler = Reconciler(pool, bootstrap, [], "audit-ledger")
    return AuditApplication(pool, checkpointer.signer, checkpointer, reconciler)
