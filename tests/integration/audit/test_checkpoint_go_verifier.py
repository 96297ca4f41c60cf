"""The ledger's checkpoints and proofs checked by code the project did not write: a small Go
program (tests/interop/checkpoint_go) over golang.org/x/mod/sumdb/note,
github.com/transparency-dev/formats/note (the witness's cosignature) and
github.com/transparency-dev/merkle, built with the machine's Go toolchain into .state/. The
note's case-index extension line is ignored by them, as the standard says."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit import proofs
from services.audit.verifier import ORIGIN, WitnessKey, note_verifier_key
from tests.integration.audit.helpers import WITNESS, append, new_checkpointer
from tests.support.ledger_data import some_events

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "tests/interop/checkpoint_go"
BINARY = ROOT / ".state/checkcheckpoint"


@pytest.fixture(scope="session")
def go_checker() -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.fail("the Go toolchain (`go`) is needed to build tests/interop/checkpoint_go")
    built = subprocess.run([go, "build", "-o", str(BINARY), "."], cwd=SOURCE,
                           capture_output=True, text=True, timeout=600)  # fmt: skip
    assert built.returncode == 0, built.stderr
    return BINARY


def check(binary: Path, request: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary)], input=json.dumps(request), capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
async def two_checkpoints(audit_pool):
    """Checkpoints at 5 and 13 leaves, and what the Go program is asked to check."""
    checkpointer = new_checkpointer(audit_pool)
    await append(audit_pool, some_events(5))
    old = await checkpointer.issue()
    await append(audit_pool, some_events(8))
    new = await checkpointer.issue()
    assert old and new
    consistency = await proofs.prove_consistency(audit_pool, old.tree_size, new.tree_size)
    leaves = await audit_pool.fetch("SELECT leaf_index, leaf_hash FROM ledger_entries")
    found = await proofs.prove_inclusions(audit_pool, [r["leaf_index"] for r in leaves], 13)
    request = {
        "verifier_keys": [note_verifier_key(ORIGIN, checkpointer.signer.public_key)],
        "cosigner_keys": [WITNESS.vkey()],
        "note": new.signed_note(),
        "older": {"note": old.signed_note(), "proof": [b64(h) for h in consistency]},
        "inclusion": [{"index": r["leaf_index"], "leaf_hash": b64(r["leaf_hash"]),
                       "proof": [b64(h) for h in found[r["leaf_index"]]]} for r in leaves],
    }  # fmt: skip
    return new, request


async def test_checkpoints_and_proofs_verify_with_the_go_reference_libraries(
    go_checker, two_checkpoints
):
    new, request = two_checkpoints

    done = check(go_checker, request)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"origin": ORIGIN, "size": 13,
                                       "signers": [ORIGIN, WITNESS.name],
                                       "root": b64(new.root_hash)}  # fmt: skip


def _other_key(request: dict) -> dict:
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    return {**request, "verifier_keys": [note_verifier_key(ORIGIN, other)]}


def _other_witness(request: dict) -> dict:
    other = WitnessKey(WITNESS.name, Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    return {**request, "cosigner_keys": [other.vkey()]}


def _changed_root(request: dict) -> dict:
    lines = request["note"].split("\n")
    lines[2] = b64(bytes(32))
    return {**request, "note": "\n".join(lines)}


def _bad_consistency(request: dict) -> dict:
    proof = list(request["older"]["proof"])
    proof[0] = b64(bytes(32))
    return {**request, "older": {**request["older"], "proof": proof}}


def _bad_inclusion(request: dict) -> dict:
    first = {**request["inclusion"][0], "leaf_hash": b64(bytes(32))}
    return {**request, "inclusion": [first]}


@pytest.mark.parametrize(
    "tamper", [_other_key, _other_witness, _changed_root, _bad_consistency, _bad_inclusion]
)
async def test_the_go_reference_libraries_refuse_what_was_tampered(
    go_checker, two_checkpoints, tamper
):
    _, request = two_checkpoints

    done = check(go_checker, tamper(request))

    assert done.returncode == 1, done.stdout
    assert done.stderr.strip()
