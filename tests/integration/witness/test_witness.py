"""The witness cosigns a log's checkpoint only when it extends the last one it cosigned;
a forked or rewritten tree gets no cosignature. Storage: a fresh schema of a real database."""

import base64
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.merkle import MemoryNodeStore, consistency_proof, root_hash
from services.audit.verifier import WitnessKey, checkpoint_note, note_signature_line
from services.witness.witness import (
    WITNESS_SCHEMA,
    Log,
    OldSizeConflict,
    Witness,
    WitnessRefused,
)
from tests.conftest import fresh_schema_pool

ORIGIN = "example.org/log"
LOG_KEY = Ed25519PrivateKey.generate()
WITNESS_KEY = Ed25519PrivateKey.generate()


def note_of(tree: MemoryNodeStore, size: int, key=LOG_KEY) -> str:
    text = checkpoint_note(ORIGIN, size, root_hash(size, tree.get_node))
    public = key.public_key().public_bytes_raw()
    return text + "\n" + note_signature_line(ORIGIN, public, key.sign(text.encode()))


def tree_of(*leaves: bytes) -> MemoryNodeStore:
    return MemoryNodeStore.from_leaves(leaves)


LEAVES = [b"event %d" % n for n in range(12)]


@pytest.fixture
async def witness():
    async with fresh_schema_pool("audit") as pool:
        await pool.execute(WITNESS_SCHEMA)
        log = Log(ORIGIN, LOG_KEY.public_key().public_bytes_raw())
        yield Witness(pool, "witness.example.org", WITNESS_KEY, log)


def cosignature_verifies(line: str, note: str) -> bool:
    name, blob = line.removeprefix("\u2014 ").split()
    raw = base64.b64decode(blob)
    public = WITNESS_KEY.public_key()
    (timestamp,) = struct.unpack(">Q", raw[4:12])
    text = note.rpartition("\n\n")[0] + "\n"
    signed = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
    public.verify(raw[12:], signed)  # raises if it does not verify
    return raw[:4] == WitnessKey(name, public.public_bytes_raw()).key_hash


async def test_the_witness_cosigns_a_first_checkpoint_and_then_its_extensions(witness):
    tree = tree_of(*LEAVES)
    first = note_of(tree, 5)
    assert cosignature_verifies(await witness.add_checkpoint(0, [], first), first)

    later = note_of(tree, 12)
    line = await witness.add_checkpoint(5, consistency_proof(5, 12, tree.get_node), later)

    assert cosignature_verifies(line, later)


async def test_the_witness_refuses_a_fork_and_still_cosigns_the_true_extension(witness):
    tree = tree_of(*LEAVES)
    await witness.add_checkpoint(0, [], note_of(tree, 5))
    forked = tree_of(*LEAVES[:3], b"rewritten", *LEAVES[4:])

    with pytest.raises(WitnessRefused, match="does not extend the one of size 5"):
        await witness.add_checkpoint(5, consistency_proof(5, 12, forked.get_node),
                                     note_of(forked, 12))  # fmt: skip

    line = await witness.add_checkpoint(5, consistency_proof(5, 12, tree.get_node),
                                        note_of(tree, 12))  # fmt: skip
    assert line.startswith("\u2014 witness.example.org ")


async def test_the_witness_answers_a_stale_old_size_with_the_size_it_cosigned(witness):
    tree = tree_of(*LEAVES)
    await witness.add_checkpoint(0, [], note_of(tree, 5))

    with pytest.raises(OldSizeConflict) as conflict:
        await witness.add_checkpoint(3, consistency_proof(3, 12, tree.get_node), note_of(tree, 12))

    assert conflict.value.latest_size == 5


async def test_the_witness_refuses_a_note_the_log_did_not_sign(witness):
    forged = note_of(tree_of(*LEAVES), 5, key=Ed25519PrivateKey.generate())

    with pytest.raises(WitnessRefused, match="not signed by the log"):
        await witness.add_checkpoint(0, [], forged)
    assert await witness.pool.fetchval("SELECT count(*) FROM witness_latest") == 0
