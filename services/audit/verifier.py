"""Checks an auditor runs offline, on their own machine, against what the audit ledger exported.

This file stands alone: it needs only the standard library and `cryptography`, so it can be
handed to an auditor as a single script. The ledger (services/audit/merkle.py) imports its hash
functions from here, so the log and the verifier cannot disagree on how a hash is made.

Hashing is RFC 9162 §2.1.1 (Certificate Transparency v2) with SHA-256.
"""

import hashlib
from collections.abc import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# Distinct prefixes stop a leaf from ever passing for an interior node (second preimages).
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` show that leaf `index` of the tree with `root` is this?"""
    if not 0 <= index < tree_size or not _all_hash_sized(leaf_hash, *proof):
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False  # more proof than the tree has levels
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _skip_levels_without_sibling(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of `old_size` a prefix of the tree of `new_size`?

    Equal sizes need an empty proof and equal roots. The empty tree is a prefix of every tree,
    but only if the root claimed for it is the empty tree's root.
    """
    if not 0 <= old_size <= new_size or not _all_hash_sized(*proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    return _check_consistency_path(old_size, new_size, old_root, new_root, proof)


def verify_checkpoint_signature(
    public_key_bytes: bytes, checkpoint_bytes: bytes, signature: bytes
) -> bool:
    """Was `checkpoint_bytes` signed by the ledger's Ed25519 key?

    A malformed public key raises ValueError: that is the auditor's input at fault, not the log.
    """
    key = Ed25519PublicKey.from_public_bytes(public_key_bytes)
    try:
        key.verify(signature, checkpoint_bytes)
    except InvalidSignature:
        return False
    return True


def _check_consistency_path(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # a perfect old tree is itself a node of the new tree
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # more proof than the tree has levels
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _skip_levels_without_sibling(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def _skip_levels_without_sibling(fn: int, sn: int) -> tuple[int, int]:
    # On the right edge a node with no right sibling is carried up unchanged, so its path
    # climbs those levels without consuming proof hashes.
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def _all_hash_sized(*hashes: bytes) -> bool:
    return all(len(h) == HASH_SIZE for h in hashes)


# Verifying a whole exported bundle (entries, proofs, checkpoints, public key) and a `main()`
# that reports "valid" or the first entry that broke belong here, built on the checks above,
# once the export format is defined.
