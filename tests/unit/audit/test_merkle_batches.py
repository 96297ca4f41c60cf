"""Proofs made and checked for many leaves at once (a case's events): each answer is the one
the leaf's own proof gives alone, however the paths of the batch join."""

from hypothesis import given, settings
from hypothesis import strategies as st

from services.audit.merkle import (
    MemoryNodeStore,
    inclusion_proof,
    inclusion_proofs,
    nodes_along,
    nodes_needed,
    root_hash,
    sibling_ranges,
)
from services.audit.verifier import leaf_hash, verify_inclusion, verify_inclusions

BIG = 300
STORE = MemoryNodeStore.from_leaves(b"event-%d" % i for i in range(BIG))
LEAVES = [leaf_hash(b"event-%d" % i) for i in range(BIG)]
examples = settings(max_examples=60, deadline=None)


@st.composite
def tree_and_leaves(draw):
    size = draw(st.integers(min_value=1, max_value=BIG))
    leaves = draw(st.lists(st.integers(min_value=0, max_value=size - 1), min_size=1))
    return size, leaves


def flip_bit(digest: bytes) -> bytes:
    return bytes([digest[0] ^ 1, *digest[1:]])


@examples
@given(tree_and_leaves())
def test_proofs_of_many_leaves_are_each_leafs_own_proof_from_the_same_nodes(case):
    size, leaves = case

    proofs = inclusion_proofs(leaves, size, STORE.get_node)

    assert proofs == {i: inclusion_proof(i, size, STORE.get_node) for i in leaves}
    one_by_one = nodes_needed(lambda get: [inclusion_proof(i, size, get) for i in leaves])
    assert nodes_along(sibling_ranges(leaves, size)) == set(one_by_one)


@examples
@given(tree_and_leaves(), st.data())
def test_a_batch_accepts_and_refuses_each_proof_as_it_would_alone(case, data):
    size, leaves = case
    root = root_hash(size, STORE.get_node)
    batch = []
    for i in leaves:  # each good proof, then a bad one that shares its path below the change
        proof = inclusion_proof(i, size, STORE.get_node)
        batch.append((LEAVES[i], i, proof))
        if proof:
            at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
            batch.append((LEAVES[i], i, [*proof[:at], flip_bit(proof[at]), *proof[at + 1 :]]))
            batch.append((LEAVES[i], i, proof[:at]))
        batch.append((LEAVES[i], i, [*proof, root]))
        batch.append((LEAVES[i], (i + 1) % BIG, proof))

    answers = verify_inclusions(batch, size, root)

    assert answers == [verify_inclusion(d, i, size, p, root) for d, i, p in batch]
    assert answers.count(True) == len(leaves)


def test_a_later_leaf_whose_path_joins_a_proven_one_is_refused_when_its_top_is_forged():
    size = 8
    root = root_hash(size, STORE.get_node)
    good = inclusion_proof(0, size, STORE.get_node)
    forged = inclusion_proof(1, size, STORE.get_node)
    forged[-1] = flip_bit(forged[-1])  # leaves 0 and 1 join at once; the top sibling differs

    assert verify_inclusions([(LEAVES[0], 0, good), (LEAVES[1], 1, forged)], size, root) == [
        True,
        False,
    ]
