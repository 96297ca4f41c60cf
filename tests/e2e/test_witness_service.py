"""The witness as its own process (python -m services.witness, as `make run` starts it),
spoken to over the C2SP tlog-witness protocol: it cosigns a log's first checkpoint and its
consistent extensions, refuses a fork (422) and a note the log did not sign (403), and
answers a stale old size with its own (409). It follows a log of this test's own (a fresh
origin and key), so its state beside the machine's ledger's is untouched."""

import base64
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.merkle import MemoryNodeStore, consistency_proof, root_hash
from services.audit.verifier import (
    WitnessKey,
    checkpoint_note,
    cosigned_at,
    note_signature_line,
)
from tests.support.stack import Stack

LOG_KEY = Ed25519PrivateKey.generate()
ORIGIN = f"test.rapport/{uuid.uuid4().hex[:8]}"
TREE = MemoryNodeStore.from_leaves(b"event %d" % n for n in range(12))
FORK = MemoryNodeStore.from_leaves([*(b"event %d" % n for n in range(3)), b"rewritten",
                                    *(b"event %d" % n for n in range(4, 12))])  # fmt: skip


def note_of(tree: MemoryNodeStore, size: int, key=LOG_KEY) -> str:
    text = checkpoint_note(ORIGIN, size, root_hash(size, tree.get_node))
    public = key.public_key().public_bytes_raw()
    return text + "\n" + note_signature_line(ORIGIN, public, key.sign(text.encode()))


def request(old: int, proof: list[bytes], note: str) -> bytes:
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


@pytest.fixture(scope="module")
async def witness():
    public = base64.b64encode(LOG_KEY.public_key().public_bytes_raw()).decode()
    stack = Stack(env={"WITNESS_LOG_ORIGIN": ORIGIN, "WITNESS_LOG_PUBLIC_KEY": public},
                  port_offset=50)  # fmt: skip
    try:
        await stack.up("witness")
        async with httpx.AsyncClient(base_url=stack.url("witness")) as client:
            yield client
    finally:
        stack.stop_all()


async def test_the_witness_process_cosigns_extensions_and_refuses_a_fork(witness):
    key = WitnessKey.parse((await witness.get("/public-key")).json()["verifier_key"])
    first = note_of(TREE, 5)
    cosigned = await witness.post("/add-checkpoint", content=request(0, [], first))
    assert cosigned.status_code == 200, cosigned.text
    assert cosigned_at(first + cosigned.text, key) is not None

    forked = note_of(FORK, 12)
    refused = await witness.post("/add-checkpoint", content=request(
        5, consistency_proof(5, 12, FORK.get_node), forked))  # fmt: skip
    assert refused.status_code == 422 and "does not extend" in refused.text

    stale = await witness.post("/add-checkpoint", content=request(
        3, consistency_proof(3, 12, TREE.get_node), note_of(TREE, 12)))  # fmt: skip
    assert (stale.status_code, stale.text.strip()) == (409, "5")
    assert stale.headers["content-type"].startswith("text/x.tlog.size")

    later = note_of(TREE, 12)
    extended = await witness.post("/add-checkpoint", content=request(
        5, consistency_proof(5, 12, TREE.get_node), later))  # fmt: skip
    assert extended.status_code == 200 and cosigned_at(later + extended.text, key) is not None


async def test_the_witness_process_refuses_what_is_not_the_logs(witness):
    other = note_of(TREE, 5, key=Ed25519PrivateKey.generate())
    unknown = note_of(TREE, 5).replace(ORIGIN, "elsewhere.example/log", 1)

    assert (await witness.post("/add-checkpoint", content=request(0, [], other))).status_code == 403
    assert (
        await witness.post("/add-checkpoint", content=request(0, [], unknown))
    ).status_code == 404
    malformed = await witness.post("/add-checkpoint", content=b"old five\n\n" + other.encode())
    assert malformed.status_code == 400 and "old size" in malformed.text
