"""The audit ledger's RFC 9162 Merkle tree: O(log n) appends, roots and proofs, with no I/O.

Node addressing: node (level, index) is the perfect subtree over the leaves
[index * 2**level, (index + 1) * 2**level); level 0 holds the leaf hashes. Only these complete
subtrees are ever stored or asked for. The hash of any other range, such as the root of a tree
whose size is not a power of two, is composed from them on demand.

Proof functions read nodes through `get_node(level, index) -> bytes`, so the same code serves
a database table, a cache or the in-memory store used by tests.
"""

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from services.audit.verifier import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash

GetNode = Callable[[int, int], bytes]


class Node(NamedTuple):
    level: int
    # Shadows tuple.index on purpose: the name of the ledger_nodes column it is copied into.
    index: int  # type: ignore[assignment]
    hash: bytes


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees, largest first, whose hashes make up the range [start, end).

    Only ranges that are subtrees of some RFC 9162 tree qualify: `start` must be a multiple of
    the smallest power of two that holds the range. Every range the RFC's MTH, PATH and
    SUBPROOF recurse into is of this kind, and so is every [0, n).
    """
    size = end - start
    if size < 0 or (size and start % (1 << (size - 1).bit_length())):
        raise ValueError(f"[{start}, {end}) is not a subtree of an RFC 9162 tree")
    subtrees = []
    while size:  # one subtree per set bit of the size, the largest first
        level = size.bit_length() - 1
        subtrees.append((level, start >> level))
        start, size = start + (1 << level), size - (1 << level)
    return subtrees


def range_hash(start: int, end: int, get_node: GetNode) -> bytes:
    """MTH(D[start:end]) of RFC 9162 §2.1.1, built from stored complete subtrees."""
    return _fold_from_right([get_node(level, index) for level, index in _subtrees(start, end)])


def _is_perfect(start: int, end: int) -> bool:
    size = end - start
    return size > 0 and not size & (size - 1) and not start % size


def _subtrees(start: int, end: int) -> list[tuple[int, int]]:
    if _is_perfect(start, end):  # one stored subtree (most ranges are)
        return [((end - start).bit_length() - 1, start // (end - start))]
    return perfect_subtrees(start, end)


def root_hash(tree_size: int, get_node: GetNode) -> bytes:
    return range_hash(0, tree_size, get_node)


def inclusion_proof(index: int, tree_size: int, get_node: GetNode) -> list[bytes]:
    """PATH(index, D[tree_size]) of RFC 9162 §2.1.3.1, hashes ordered from the leaf upwards."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf {index} is not in a tree of size {tree_size}")
    return _path(index, 0, tree_size, get_node)


Paths = dict[int, list[tuple[int, int]]]  # each leaf's sibling ranges, from the leaf upwards


def inclusion_proofs(
    indexes: Iterable[int], tree_size: int, get_node: GetNode
) -> dict[int, list[bytes]]:
    """inclusion_proof of each leaf against one tree."""
    return proofs_along(sibling_ranges(indexes, tree_size), get_node)


def proofs_along(paths: Paths, get_node: GetNode) -> dict[int, list[bytes]]:
    """The proofs of sibling_ranges' paths. A case's leaves lie close together, so their
    paths share most ranges: each range's hash (on the right edge a fold of several nodes)
    is made once."""
    made = {r: range_hash(*r, get_node) for r in {r for path in paths.values() for r in path}}
    return {i: [made[r] for r in path] for i, path in paths.items()}


def nodes_along(paths: Paths) -> set[tuple[int, int]]:
    """The stored nodes proofs_along reads, to fetch in one query."""
    ranges = {r for path in paths.values() for r in path}
    return {node for start, end in ranges for node in _subtrees(start, end)}


def sibling_ranges(indexes: Iterable[int], tree_size: int) -> Paths:
    """The leaf ranges whose hashes make up each leaf's PATH (RFC 9162 §2.1.3.1), from the
    leaf upwards; the tree is walked once for all the leaves, down the nodes above them."""
    leaves = sorted(set(indexes))
    if leaves and not 0 <= leaves[0] <= leaves[-1] < tree_size:
        raise ValueError(f"leaves {leaves[0]}..{leaves[-1]} are not all in a tree of size"
                         f" {tree_size}")  # fmt: skip
    paths: Paths = {i: [] for i in leaves}

    def walk(start: int, end: int, below: list[int]) -> None:
        if end - start == 1:
            return
        mid = start + _largest_power_of_two_below(end - start)
        split = bisect.bisect_left(below, mid)
        for part, (low, high), sibling in ((below[:split], (start, mid), (mid, end)),
                                           (below[split:], (mid, end), (start, mid))):  # fmt: skip
            if part:
                walk(low, high, part)
                for i in part:
                    paths[i].append(sibling)

    walk(0, tree_size, leaves)
    return paths


def consistency_proof(old_size: int, new_size: int, get_node: GetNode) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1; empty when there is nothing to prove."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot prove size {old_size} is a prefix of size {new_size}")
    if old_size in (0, new_size):
        return []
    return _subproof(old_size, 0, new_size, True, get_node)


def nodes_needed(compute: Callable[[GetNode], object]) -> list[tuple[int, int]]:
    """The nodes `compute` will read, in order, so an async store can fetch them in one query.

    e.g. nodes_needed(lambda get: inclusion_proof(5, 100, get)). This works because the
    algorithms above choose nodes by position alone, never by hash value.
    """
    asked: dict[tuple[int, int], None] = {}

    def record(level: int, index: int) -> bytes:
        asked[level, index] = None
        return bytes(HASH_SIZE)

    compute(record)
    return list(asked)


def _path(index: int, start: int, end: int, get_node: GetNode) -> list[bytes]:
    if end - start == 1:
        return []
    mid = start + _largest_power_of_two_below(end - start)
    if index < mid:
        return [*_path(index, start, mid, get_node), range_hash(mid, end, get_node)]
    return [*_path(index, mid, end, get_node), range_hash(start, mid, get_node)]


def _subproof(
    old_end: int, start: int, end: int, old_root_is_known: bool, get_node: GetNode
) -> list[bytes]:
    # old_root_is_known is the RFC's `b`: while the old tree is the whole of this subtree, the
    # verifier already holds its hash, so the proof need not carry it.
    if old_end == end:
        return [] if old_root_is_known else [range_hash(start, end, get_node)]
    mid = start + _largest_power_of_two_below(end - start)
    if old_end <= mid:
        left = _subproof(old_end, start, mid, old_root_is_known, get_node)
        return [*left, range_hash(mid, end, get_node)]
    right = _subproof(old_end, mid, end, False, get_node)
    return [*right, range_hash(start, mid, get_node)]


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def _fold_from_right(hashes: Sequence[bytes]) -> bytes:
    # Right-edge subtrees of a tree nest from the right: root = H(a, H(b, H(c, d))).
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


class CompactRange:
    """The right edge of a tree of `size` leaves: one perfect subtree hash per set bit of `size`,
    largest first (RFC 9162 §2.1, Trillian's compact ranges). Appends in O(log n), and gives
    the root, without any other node of the tree.
    """

    def __init__(self, size: int = 0, frontier: Sequence[bytes] = ()) -> None:
        if size < 0 or len(frontier) != size.bit_count():
            raise ValueError(f"a tree of size {size} has {size.bit_count()} frontier hashes")
        if any(len(h) != HASH_SIZE for h in frontier):
            raise ValueError("frontier hashes must be SHA-256 digests")
        self._size = size
        self._frontier = list(frontier)

    @classmethod
    def from_store(cls, size: int, get_node: GetNode) -> "CompactRange":
        return cls(size, [get_node(level, index) for level, index in perfect_subtrees(0, size)])

    @property
    def size(self) -> int:
        return self._size

    @property
    def frontier(self) -> tuple[bytes, ...]:
        return tuple(self._frontier)

    def frontier_nodes(self) -> list[Node]:
        subtrees = perfect_subtrees(0, self._size)
        return [Node(lvl, idx, h) for (lvl, idx), h in zip(subtrees, self._frontier, strict=True)]

    def root(self) -> bytes:
        return _fold_from_right(self._frontier)

    def append(self, leaf_digest: bytes) -> list[Node]:
        """Add the leaf whose hash is `leaf_digest`; returns every complete subtree it creates,
        from the leaf itself up, for the caller to store."""
        if len(leaf_digest) != HASH_SIZE:
            raise ValueError("a leaf is appended as its leaf_hash()")
        level, index, digest = 0, self._size, leaf_digest
        created = [Node(level, index, digest)]
        while self._size >> level & 1:  # a perfect left sibling waits on the frontier
            digest = node_hash(self._frontier.pop(), digest)
            level, index = level + 1, index >> 1
            created.append(Node(level, index, digest))
        self._frontier.append(digest)
        self._size += 1
        return created


class MemoryNodeStore:
    """Every complete subtree hash of a tree, in a dict: the ledger's node table, for tests."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.tree = CompactRange()

    @classmethod
    def from_leaves(cls, leaves: Iterable[bytes]) -> "MemoryNodeStore":
        store = cls()
        for data in leaves:
            store.append(leaf_hash(data))
        return store

    @property
    def size(self) -> int:
        return self.tree.size

    def append(self, leaf_digest: bytes) -> None:
        for node in self.tree.append(leaf_digest):
            self.nodes[node.level, node.index] = node.hash

    def get_node(self, level: int, index: int) -> bytes:
        return self.nodes[level, index]
