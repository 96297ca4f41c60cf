"""The audit ledger's Merkle tree against RFC 9162 vectors, a naive reference and properties."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from services.audit.merkle import (
    CompactRange,
    GetNode,
    MemoryNodeStore,
    consistency_proof,
    inclusion_proof,
    nodes_needed,
    root_hash,
)
from services.audit.verifier import (
    EMPTY_ROOT,
    leaf_hash,
    node_hash,
    verify_checkpoint_signature,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

# Known answers from the RFC 6962 reference vectors used by Certificate Transparency and
# Trillian, as published in github.com/transparency-dev/merkle: testonly/constants.go (leaves,
# roots, node hashes) and proof/verify_test.go (proofs; leaf indices there are 1-based, here
# 0-based). RFC 9162 hashes exactly as RFC 6962 does, so the answers carry over.
LEAVES = [h(x) for x in ("", "00", "10", "2021", "3031", "40414243",
                         "5051525354555657", "606162636465666768696a6b6c6d6e6f")]  # fmt: skip

ROOTS = {  # tree size -> root hash
    1: h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    2: h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    3: h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    4: h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    5: h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    6: h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    7: h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    8: h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
}

NODES = {  # (level, index) -> hash, every complete subtree of the 8-leaf tree
    (0, 0): h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    (0, 1): h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
    (0, 2): h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
    (0, 3): h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
    (0, 4): h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    (0, 5): h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
    (0, 6): h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
    (0, 7): h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    (1, 0): h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    (1, 1): h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
    (1, 2): h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
    (1, 3): h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    (2, 0): h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    (2, 1): h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    (3, 0): h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
}

INCLUSION_PROOFS = [  # (leaf index, tree size, proof)
    (0, 1, []),
    (0, 8, [NODES[0, 1], NODES[1, 1], NODES[2, 1]]),
    (5, 8, [NODES[0, 4], NODES[1, 3], NODES[2, 0]]),
    (2, 3, [NODES[1, 0]]),
    (1, 5, [NODES[0, 0], NODES[1, 1], NODES[0, 4]]),
]

CONSISTENCY_PROOFS = [  # (old size, new size, proof)
    (1, 1, []),
    (1, 8, [NODES[0, 1], NODES[1, 1], NODES[2, 1]]),
    (6, 8, [NODES[1, 2], NODES[1, 3], NODES[2, 0]]),
    (2, 5, [NODES[1, 1], NODES[0, 4]]),
    (6, 7, [NODES[1, 2], NODES[0, 6], NODES[2, 0]]),
]

VECTOR_STORE = MemoryNodeStore.from_leaves(LEAVES)
BIG = 300
BIG_STORE = MemoryNodeStore.from_leaves(b"event-%d" % i for i in range(BIG))
BIG_LEAVES = [leaf_hash(b"event-%d" % i) for i in range(BIG)]


def complete_nodes_of(store: MemoryNodeStore, tree_size: int) -> GetNode:
    """A reader that fails the test if asked for a node not yet complete at `tree_size`."""

    def get_node(level: int, index: int) -> bytes:
        assert (index + 1) << level <= tree_size, f"({level}, {index}) is not complete"
        return store.get_node(level, index)

    return get_node


def reference_root(leaf_hashes: list[bytes]) -> bytes:
    """MTH of RFC 9162 §2.1.1, straight from the definition."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = 1 << ((len(leaf_hashes) - 1).bit_length() - 1)
    return node_hash(reference_root(leaf_hashes[:k]), reference_root(leaf_hashes[k:]))


def flip_bit(digest: bytes, bit: int = 0) -> bytes:
    return bytes([digest[0] ^ (1 << bit), *digest[1:]])


# Known answers


@pytest.mark.parametrize("size", sorted(ROOTS))
def test_root_of_each_prefix_of_the_reference_leaves_matches_the_vectors(size):
    assert root_hash(size, complete_nodes_of(VECTOR_STORE, size)) == ROOTS[size]


def test_every_complete_subtree_stored_matches_the_vectors():
    assert VECTOR_STORE.nodes == NODES


def test_empty_tree_root_is_the_hash_of_nothing():
    assert root_hash(0, VECTOR_STORE.get_node) == CompactRange().root() == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_PROOFS)
def test_inclusion_proof_matches_the_vectors_and_verifies(index, size, proof):
    assert inclusion_proof(index, size, complete_nodes_of(VECTOR_STORE, size)) == proof
    assert verify_inclusion(leaf_hash(LEAVES[index]), index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_PROOFS)
def test_consistency_proof_matches_the_vectors_and_verifies(old, new, proof):
    assert consistency_proof(old, new, complete_nodes_of(VECTOR_STORE, new)) == proof
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


# Which stored nodes a proof reads, as listed in transparency-dev/merkle proof/proof_test.go.
@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        (lambda get: inclusion_proof(0, 7, get), {(0, 1), (1, 1), (0, 6), (1, 2)}),
        (lambda get: inclusion_proof(3, 5, get), {(0, 2), (1, 0), (0, 4)}),
        (lambda get: consistency_proof(5, 7, get), {(0, 4), (0, 5), (0, 6), (2, 0)}),
        (lambda get: consistency_proof(3, 7, get), {(0, 2), (0, 3), (1, 0), (0, 6), (1, 2)}),
    ],
)
def test_nodes_needed_lists_exactly_the_nodes_a_proof_reads(compute, expected):
    assert set(nodes_needed(compute)) == expected


def test_compact_range_frontier_after_seven_leaves_is_the_right_edge_of_the_tree():
    frontier = MemoryNodeStore.from_leaves(LEAVES[:7]).tree.frontier_nodes()
    assert [(n.level, n.index, n.hash) for n in frontier] == [
        (2, 0, NODES[2, 0]),
        (1, 2, NODES[1, 2]),
        (0, 6, NODES[0, 6]),
    ]


# Properties over random trees

sizes = st.integers(min_value=1, max_value=BIG)
examples = settings(max_examples=60, deadline=None)


@st.composite
def tree_and_leaf(draw):
    size = draw(sizes)
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@st.composite
def two_sizes(draw):
    new = draw(sizes)
    return draw(st.integers(min_value=1, max_value=new)), new


@examples
@given(tree_and_leaf())
def test_inclusion_proof_verifies_for_its_leaf_and_no_other(case):
    size, index = case
    proof = inclusion_proof(index, size, complete_nodes_of(BIG_STORE, size))
    root = reference_root(BIG_LEAVES[:size])
    assert verify_inclusion(BIG_LEAVES[index], index, size, proof, root)
    for other in {0, index - 1, index + 1, size - 1} - {index}:
        assert not verify_inclusion(BIG_LEAVES[index], other, size, proof, root)
        if 0 <= other < size:
            assert not verify_inclusion(BIG_LEAVES[other], index, size, proof, root)


@examples
@given(tree_and_leaf(), st.data())
def test_tampered_inclusion_proof_or_root_fails(case, data):
    size, index = case
    proof = inclusion_proof(index, size, complete_nodes_of(BIG_STORE, size))
    root = reference_root(BIG_LEAVES[:size])
    bit = data.draw(st.integers(min_value=0, max_value=7))
    assert not verify_inclusion(BIG_LEAVES[index], index, size, proof, flip_bit(root, bit))
    assert not verify_inclusion(BIG_LEAVES[index], index, size, [*proof, root], root)
    for i in range(len(proof)):
        tampered = [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]]
        assert not verify_inclusion(BIG_LEAVES[index], index, size, tampered, root)
        assert not verify_inclusion(BIG_LEAVES[index], index, size, proof[:i], root)


@examples
@given(two_sizes())
def test_consistency_proof_between_any_two_sizes_verifies(sizes_):
    old, new = sizes_
    proof = consistency_proof(old, new, complete_nodes_of(BIG_STORE, new))
    old_root, new_root = reference_root(BIG_LEAVES[:old]), reference_root(BIG_LEAVES[:new])
    assert verify_consistency(old, new, old_root, new_root, proof)
    if old < new:
        assert not verify_consistency(old, new, new_root, old_root, proof)


@examples
@given(two_sizes(), st.data())
def test_tampered_consistency_proof_or_roots_fail(sizes_, data):
    old, new = sizes_
    proof = consistency_proof(old, new, complete_nodes_of(BIG_STORE, new))
    old_root, new_root = reference_root(BIG_LEAVES[:old]), reference_root(BIG_LEAVES[:new])
    bit = data.draw(st.integers(min_value=0, max_value=7))
    assert not verify_consistency(old, new, flip_bit(old_root, bit), new_root, proof)
    assert not verify_consistency(old, new, old_root, flip_bit(new_root, bit), proof)
    assert not verify_consistency(old, new, old_root, new_root, [*proof, new_root])
    for i in range(len(proof)):
        tampered = [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]]
        assert not verify_consistency(old, new, old_root, new_root, tampered)
        assert not verify_consistency(old, new, old_root, new_root, proof[:i])


@examples
@given(sizes)
def test_compact_range_root_after_each_append_equals_the_root_from_stored_nodes(size):
    store = MemoryNodeStore()
    for leaf in BIG_LEAVES[:size]:
        store.append(leaf)
    assert store.tree.root() == root_hash(size, store.get_node) == reference_root(BIG_LEAVES[:size])


@examples
@given(sizes)
def test_appends_store_every_complete_subtree_and_nothing_else(size):
    store = MemoryNodeStore()
    for leaf in BIG_LEAVES[:size]:
        store.append(leaf)
    for (level, index), digest in store.nodes.items():
        first = index << level
        assert first + (1 << level) <= size
        assert digest == reference_root(BIG_LEAVES[first : first + (1 << level)])
    assert len(store.nodes) == sum(size >> level for level in range(size.bit_length()))


@examples
@given(two_sizes())
def test_compact_range_restored_from_size_and_frontier_continues_to_the_same_root(sizes_):
    saved_at, size = sizes_
    first = CompactRange()
    for leaf in BIG_LEAVES[:saved_at]:
        first.append(leaf)
    restored = CompactRange(first.size, first.frontier)
    from_store = CompactRange.from_store(saved_at, complete_nodes_of(BIG_STORE, saved_at))
    for leaf in BIG_LEAVES[saved_at:size]:
        restored.append(leaf)
        from_store.append(leaf)
    assert restored.root() == from_store.root() == reference_root(BIG_LEAVES[:size])


# Edges the RFC algorithms leave to the implementer


def test_proofs_outside_the_tree_are_refused():
    with pytest.raises(ValueError):
        inclusion_proof(8, 8, VECTOR_STORE.get_node)
    with pytest.raises(ValueError):
        consistency_proof(5, 4, VECTOR_STORE.get_node)
    with pytest.raises(ValueError):
        CompactRange(3, [NODES[1, 0]])


def test_verifiers_reject_impossible_sizes_and_malformed_hashes():
    leaf, root = leaf_hash(LEAVES[0]), ROOTS[1]
    assert not verify_inclusion(leaf, 1, 1, [], root)
    assert not verify_inclusion(leaf, 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(leaf, 0, 2, [b""], root)
    assert not verify_consistency(2, 1, ROOTS[2], ROOTS[1], [])
    assert not verify_consistency(1, 2, ROOTS[1], ROOTS[2], [])
    assert not verify_consistency(2, 2, ROOTS[2], ROOTS[2], [ROOTS[2]])


def test_a_subtree_root_cannot_pass_for_the_root_of_a_bigger_tree():
    # Each proof below is complete for a smaller tree; the claimed size is larger.
    assert not verify_inclusion(leaf_hash(LEAVES[0]), 0, 8, [NODES[0, 1]], NODES[1, 0])
    assert not verify_consistency(2, 8, ROOTS[2], ROOTS[4], [NODES[1, 1]])


def test_empty_tree_is_consistent_with_any_tree_only_under_the_empty_root():
    assert verify_consistency(0, 8, EMPTY_ROOT, ROOTS[8], [])
    assert not verify_consistency(0, 8, ROOTS[1], ROOTS[8], [])
    assert consistency_proof(0, 8, VECTOR_STORE.get_node) == []


# Checkpoint signatures


def test_checkpoint_signature_verifies_only_for_the_signed_bytes_and_key():
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    checkpoint = b"rapport-audit\n8\n" + ROOTS[8].hex().encode()
    signature = key.sign(checkpoint)
    assert verify_checkpoint_signature(public, checkpoint, signature)
    assert not verify_checkpoint_signature(public, checkpoint + b"\n", signature)
    assert not verify_checkpoint_signature(public, checkpoint, flip_bit(signature))
    assert not verify_checkpoint_signature(public, checkpoint, signature[:-1])
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert not verify_checkpoint_signature(other, checkpoint, signature)


def test_malformed_public_key_is_an_error_not_a_failed_check():
    with pytest.raises(ValueError):
        verify_checkpoint_signature(b"short", b"checkpoint", bytes(64))
