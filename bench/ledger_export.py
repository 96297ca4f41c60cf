"""The auditor's side of the ledger benchmark: verifying a whole exported ledger with the
offline verifier, beside plain SHA-256 of the same bytes, in the same run.

Used by bench/ledger.py after it has loaded the ledger; the export is written as
`cli export --ledger` writes it, but without inclusion proofs (a whole ledger proves each
leaf by rebuilding every signed root, verifier.py), into a temporary file.
"""

import base64
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit import bundles, entries, verifier
from services.audit.checkpoints import Checkpointer
from services.audit.signing import Signer
from services.audit.witnessing import HttpWitness
from services.witness.api import app_for
from services.witness.witness import WITNESS_SCHEMA, Log, Witness

PAGE = 10_000


async def export_and_verify(pool: asyncpg.Pool, leaves: int) -> list[str]:
    signer = Signer(Ed25519PrivateKey.generate())
    witness = await _witness(pool, signer)
    started = time.perf_counter()
    await Checkpointer(pool, signer, witness=witness).issue()  # the case index from leaf 0
    first_checkpoint = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.json"
        await _export(pool, path)
        data = path.read_bytes()
        started = time.perf_counter()
        hashlib.sha256(data).digest()
        plain = time.perf_counter() - started
        print(f"verifying the exported ledger ({len(data) / 1e6:,.0f} MB) ...", file=sys.stderr)
        started = time.perf_counter()
        status = verifier.main([str(path), "--public-key",
                                base64.b64encode(signer.public_key).decode(),
                                "--witness-key", witness.key.vkey()])  # fmt: skip
        verified = time.perf_counter() - started
    assert status == 0, "the exported ledger did not verify"
    return [
        f"first checkpoint of {leaves:,} entries (the case index built from every leaf,"
        f" cosigned): {first_checkpoint:.2f} s",
        f"export of {leaves:,} entries: offline verifier {verified:8.2f} s,"
        f" plain SHA-256 of the same {len(data) / 1e6:,.0f} MB {plain:6.2f} s"
        f" ({verified / plain:,.0f}x the time)",
    ]


async def _witness(pool: asyncpg.Pool, signer: Signer) -> HttpWitness:
    """A witness in this process, its state in the benchmark's schema."""
    await pool.execute(WITNESS_SCHEMA)
    key = Ed25519PrivateKey.generate()
    witness = Witness(pool, "bench-witness", key, Log(verifier.ORIGIN, signer.public_key))
    transport = httpx.ASGITransport(app=app_for(witness))
    client = httpx.AsyncClient(transport=transport, base_url="http://witness")
    return HttpWitness("http://witness", witness.public, client)


async def _export(pool: asyncpg.Pool, path: Path) -> None:
    head = await bundles.ledger_bundle_head(pool, None, 0)
    with path.open("w") as out:
        out.write(json.dumps({k: v for k, v in head.items() if k != "entries"})[:-1])
        out.write(', "entries": [\n')
        after, separator = -1, ""
        while rows := await entries.page(pool, after, PAGE):
            for row in rows:
                entry = {"leaf_index": row["leaf_index"], "envelope": row["envelope"].decode()}
                out.write(separator + json.dumps(entry))
                separator = ",\n"
            after = rows[-1]["leaf_index"]
        out.write("\n]}\n")
