"""Checks an auditor runs offline, on their own machine, against what the audit ledger exported.

This file stands alone: it needs only the standard library and `cryptography`, so it can be
handed to an auditor as a single script. The ledger (services/audit/merkle.py) imports its hash
functions from here, so the log and the verifier cannot disagree on how a hash is made.

Hashing is RFC 9162 §2.1.1 (Certificate Transparency v2) with SHA-256.

    python verifier.py bundle.json --public-key <base64, or a file holding it>
        --witness-key <the witness's verifier key name+hash+base64, or a file holding it>
        [--trusted-checkpoint checkpoint.json]   (one you kept from before: GET /checkpoints/N)

prints `valid` and what was proven, or `INVALID` with the first bad entry (by leaf index) and
every check that failed; the exit status is 0, 1 (invalid) or 2 (unreadable input).
The bundle format is described below, before `Finding`.
"""

import argparse
import base64
import binascii
import hashlib
import itertools
import json
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
ORIGIN = "rapport-audit"
BUNDLE_FORMAT = "rapport-audit-bundle/1"

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
    return _verify_joining(leaf_hash, index, tree_size, tuple(proof), root, {})


def verify_inclusions(
    leaves: Iterable[tuple[bytes, int, Sequence[bytes]]], tree_size: int, root: bytes
) -> list[bool]:
    """verify_inclusion of each (leaf_hash, index, proof) against one tree, with the same
    answers. A case's leaves lie close together, so their paths soon join: a path that
    reaches a node of one already proven, with the same hash there and the same proof hashes
    from there up, would only repeat that path's hashing, and stops there."""
    proven: dict[tuple[int, int, bytes], tuple[tuple[bytes, ...], int]] = {}
    return [_verify_joining(digest, index, tree_size, tuple(proof), root, proven)
            for digest, index, proof in leaves]  # fmt: skip


def _verify_joining(
    leaf: bytes, index: int, tree_size: int, proof: tuple[bytes, ...], root: bytes,
    proven: dict[tuple[int, int, bytes], tuple[tuple[bytes, ...], int]],
) -> bool:  # fmt: skip
    # RFC 9162 §2.1.3.2's loop, with the level counted: (level, fn) names the node reached,
    # and sn is (tree_size - 1) >> level there, so (level, fn, r) and the proof's rest decide
    # the answer; with `proven` empty, it is the RFC's loop exactly.
    if not 0 <= index < tree_size or not _all_hash_sized(leaf, *proof):
        return False
    fn, sn, level, r = index, tree_size - 1, 0, leaf
    passed: list[tuple[int, int, bytes, int]] = []
    for k, p in enumerate(proof):
        known = proven.get((level, fn, r))
        if known is not None and known[0][known[1] :] == proof[k:]:
            break
        passed.append((level, fn, r, k))
        if sn == 0:
            return False  # more proof than the tree has levels
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:  # as _skip_levels_without_sibling, counting levels
                fn, sn, level = fn >> 1, sn >> 1, level + 1
        else:
            r = node_hash(r, p)
        fn, sn, level = fn >> 1, sn >> 1, level + 1
    else:
        if not (sn == 0 and r == root):
            return False
    for level, fn, r, k in passed:
        proven[level, fn, r] = (proof, k)
    return True


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


def checkpoint_body(tree_size: int, root_hash: bytes, issued_at: str) -> bytes:
    """The exact bytes a checkpoint's signature covers; `issued_at` as RFC 3339 text."""
    return f"{ORIGIN}\n{tree_size}\n{root_hash.hex()}\n{issued_at}\n".encode()


# C2SP tlog-checkpoint, as a C2SP signed-note with an Ed25519 signature: existing tools (Go's
# golang.org/x/mod/sumdb/note, the transparency-dev libraries) verify these unchanged.
# The key is named by ORIGIN; the note's text is origin, tree size, base64 root hash, then
# extension lines; a blank line; then one line "— name base64(key hash || signature)" per signer.
_ED25519_NOTE_ALG = b"\x01"
_SIG_PREFIX = "\u2014 "


def checkpoint_note(
    origin: str, tree_size: int, root_hash: bytes, extensions: Sequence[str] = ()
) -> str:
    lines = [origin, str(tree_size), base64.b64encode(root_hash).decode(), *extensions]
    return "".join(f"{line}\n" for line in lines)


def note_key_hash(name: str, public_key: bytes) -> bytes:
    """The signed-note key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || key)."""
    return hashlib.sha256(name.encode() + b"\n" + _ED25519_NOTE_ALG + public_key).digest()[:4]


def note_verifier_key(name: str, public_key: bytes) -> str:
    """The key as note verifiers take it: name+hex(key hash)+base64(0x01 || key)."""
    encoded = base64.b64encode(_ED25519_NOTE_ALG + public_key).decode()
    return f"{name}+{note_key_hash(name, public_key).hex()}+{encoded}"


def note_signature_line(name: str, public_key: bytes, signature: bytes) -> str:
    blob = base64.b64encode(note_key_hash(name, public_key) + signature).decode()
    return f"{_SIG_PREFIX}{name} {blob}\n"


def open_note(signed: str, name: str, public_key: bytes) -> str | None:
    """The note's text if it carries a valid signature by (name, public_key), else None."""
    text, sep, signatures = signed.rpartition("\n\n")
    if not sep:
        return None
    text += "\n"
    wanted = note_key_hash(name, public_key)
    for line in signatures.splitlines():
        signer, _, blob = line.removeprefix(_SIG_PREFIX).partition(" ")
        if not line.startswith(_SIG_PREFIX) or signer != name:
            continue
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            continue
        if raw[:4] == wanted and verify_checkpoint_signature(public_key, text.encode(), raw[4:]):
            return text
    return None


# C2SP tlog-cosignature/v1: a witness signs "cosignature/v1\ntime <unix seconds>\n" + the note's
# text; its line is "— name base64(key hash || 8-byte big-endian time || signature)", its key
# hash made with the algorithm byte 0x04, and its verifier key name+hex(key hash)+base64(0x04||key).
_COSIGNATURE_ALG = b"\x04"


@dataclass(frozen=True)
class WitnessKey:
    name: str
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> "WitnessKey":
        """From the witness's verifier key, name+hex(key hash)+base64(0x04 || key)."""
        name, key_hash, encoded = vkey.strip().split("+", 2)  # a name holds no "+"; base64 may
        raw = base64.b64decode(encoded, validate=True)
        if raw[:1] != _COSIGNATURE_ALG or len(raw) != 33:
            raise ValueError("not a cosignature/v1 verifier key (algorithm 0x04, 32-byte key)")
        key = cls(name, raw[1:])
        if bytes.fromhex(key_hash) != key.key_hash:
            raise ValueError(f"the verifier key's hash does not match its key ({vkey})")
        return key

    @property
    def key_hash(self) -> bytes:
        digest = hashlib.sha256(self.name.encode() + b"\n" + _COSIGNATURE_ALG + self.public_key)
        return digest.digest()[:4]

    def vkey(self) -> str:
        encoded = base64.b64encode(_COSIGNATURE_ALG + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{encoded}"


def cosignature_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosigned_at(signed: str, witness: WitnessKey) -> int | None:
    """When the witness cosigned the note (unix seconds), if it carries its valid cosignature."""
    text, sep, signatures = signed.rpartition("\n\n")
    for line in signatures.splitlines() if sep else []:
        signer, _, blob = line.removeprefix(_SIG_PREFIX).partition(" ")
        if not line.startswith(_SIG_PREFIX) or signer != witness.name:
            continue
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            continue
        if len(raw) != 76 or raw[:4] != witness.key_hash:
            continue
        timestamp = int.from_bytes(raw[4:12], "big")
        message = cosignature_message(text + "\n", timestamp)
        if verify_checkpoint_signature(witness.public_key, message, raw[12:]):
            return timestamp
    return None


def key_id_of(public_key: bytes) -> str:
    """A short public name of a signing key, carried in every checkpoint; not secret."""
    return hashlib.sha256(public_key).hexdigest()[:16]


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
    return all(map(HASH_SIZE.__eq__, map(len, hashes)))


class _Roots:
    """The root of each prefix of a leaf sequence, in O(log n) memory (a compact range)."""

    def __init__(self) -> None:
        self.size = 0
        self._edge: list[bytes] = []  # one perfect subtree hash per set bit of size

    def append(self, leaf: bytes) -> None:
        digest, size = leaf, self.size
        while size & 1:
            digest, size = node_hash(self._edge.pop(), digest), size >> 1
        self._edge.append(digest)
        self.size += 1

    def root(self) -> bytes:
        if not self._edge:
            return EMPTY_ROOT
        result = self._edge[-1]
        for left in reversed(self._edge[:-1]):
            result = node_hash(left, result)
        return result


# The case index: a second Merkle structure, whose root each checkpoint's note commits to in an
# extension line "case-index <base64 root>" (verifiers of the standard ignore it; the signature
# covers it). It maps each case to its event count and the digest of its event list, so a
# case's bundle shows it holds every event of the case. Cases fall into 2**16 buckets by the
# first two bytes of SHA-256(case id); a bucket's hash is leaf_hash of its records (16-byte
# case id || 8-byte count || 32-byte digest) sorted, and the buckets are the leaves of a
# perfect tree of 16 levels (node_hash). A case's digest runs over its events in ledger order:
# d = SHA-256(0x02 || d || 8-byte leaf index || 16-byte event id), from 32 zero bytes.
CASE_INDEX_LEVELS = 16
CASE_INDEX_LINE = "case-index "
EMPTY_CASE_DIGEST = bytes(HASH_SIZE)


def uuid_bytes(value: str) -> bytes:
    return uuid.UUID(str(value)).bytes


def case_bucket(case_id: str) -> int:
    return int.from_bytes(hashlib.sha256(uuid_bytes(case_id)).digest()[:2], "big")


def next_case_digest(digest: bytes, leaf_index: int, event_id: str | bytes) -> bytes:
    """The digest with one more event; its id as text, or its 16 bytes."""
    raw = event_id if isinstance(event_id, bytes) else uuid_bytes(event_id)
    return hashlib.sha256(b"\x02" + digest + leaf_index.to_bytes(8, "big") + raw).digest()


def case_record(case_id: str, count: int, digest: bytes) -> bytes:
    return uuid_bytes(case_id) + count.to_bytes(8, "big") + digest


def bucket_hash(records: Iterable[bytes]) -> bytes:
    return leaf_hash(b"".join(sorted(records)))


def _empty_subtrees() -> list[bytes]:
    hashes = [bucket_hash([])]
    for _ in range(CASE_INDEX_LEVELS):
        hashes.append(node_hash(hashes[-1], hashes[-1]))
    return hashes


EMPTY_SUBTREES = _empty_subtrees()  # the hash of an empty subtree at each level


def case_index_root(bucket: int, bucket_digest: bytes, siblings: Sequence[bytes]) -> bytes:
    """The root from a bucket's hash and its 16 siblings, from the bucket up."""
    digest = bucket_digest
    for level, sibling in enumerate(siblings):
        left = bucket >> level & 1
        digest = node_hash(sibling, digest) if left else node_hash(digest, sibling)
    return digest


def case_index_root_of(buckets: dict[int, bytes]) -> bytes:
    """The root over the given buckets' hashes, every other bucket empty."""
    level_nodes = dict(buckets)
    for level in range(CASE_INDEX_LEVELS):
        empty = EMPTY_SUBTREES[level]
        level_nodes = {
            i: node_hash(level_nodes.get(2 * i, empty), level_nodes.get(2 * i + 1, empty))
            for i in {i >> 1 for i in level_nodes}
        }
    return level_nodes.get(0, EMPTY_SUBTREES[CASE_INDEX_LEVELS])


def case_and_event_of(envelope: str) -> tuple[bytes, bytes] | None:
    """The 16-byte case and event ids an envelope names; None when it names no case (or the
    ids are not UUIDs): it is then in no case's history."""
    try:
        parsed = json.loads(envelope)
        return uuid_bytes(parsed["case_id"]), uuid_bytes(parsed["event_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def case_index_of(note_text: str) -> bytes | None:
    """The case index root a checkpoint's note commits to, if any."""
    for line in note_text.splitlines()[3:]:
        if line.startswith(CASE_INDEX_LINE):
            return base64.b64decode(line.removeprefix(CASE_INDEX_LINE), validate=True)
    return None


# A bundle, as the ledger exports it (JSON):
#
#   format          "rapport-audit-bundle/1"
#   scope           {"kind": "case", "case_id": ..., "as_of": ...} or {"kind": "ledger"}
#   complete        true when `entries` are every leaf of the anchor checkpoint's tree
#   proven_against  the id of the anchor checkpoint, which every inclusion proof is against
#   checkpoints     [{id, tree_size, root_hash (hex), issued_at (RFC 3339), key_id,
#                     signature (base64), note (C2SP signed note, or null)}], by tree size
#   consistency     [{from, to, proof: [hex]}] between each checkpoint and the next
#   entries         [{leaf_index, envelope (the exact canonical JSON text hashed),
#                     inclusion_proof: [hex]}]; in a complete bundle the proofs may be left
#                   out: rebuilding every checkpoint's root from all the leaves proves them
#   trusted_consistency  (optional) {from_size, to, proof: [hex]}: the tree of the auditor's
#                   trusted checkpoint is a prefix of checkpoint `to`'s
#   case_index      (a case bundle) {case_id, bucket, records: [[case_id, count, digest hex]]
#                   (the bucket's cases), siblings: [16 hex, from the bucket up], events:
#                   [[leaf_index, event_id]] (the case's, in ledger order)}: against the
#                   anchor note's case-index line
# Every checkpoint's note (the anchor's at least) carries the witness's cosignature line.


@dataclass(frozen=True)
class Finding:
    subject: str  # "entry 17", "checkpoint #4" or "bundle"
    reason: str
    leaf_index: int | None = None

    def __str__(self) -> str:
        return f"{self.subject}: {self.reason}"


@dataclass
class Report:
    checkpoints: int = 0
    entries: int = 0
    anchor: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.findings

    @property
    def first_bad_index(self) -> int | None:
        bad = [f.leaf_index for f in self.findings if f.leaf_index is not None]
        return min(bad) if bad else None

    def fail(self, subject: str, reason: str, leaf_index: int | None = None) -> None:
        self.findings.append(Finding(subject, reason, leaf_index))


@dataclass(frozen=True)
class _Checkpoint:
    id: int
    tree_size: int
    root: bytes
    issued_at: str
    key_id: str
    signature: bytes
    note: str | None = None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> "_Checkpoint":
        return cls(
            int(raw["id"]),
            int(raw["tree_size"]),
            bytes.fromhex(raw["root_hash"]),
            str(raw["issued_at"]),
            str(raw.get("key_id", "")),
            _b64(raw["signature"]),
            raw.get("note"),
        )

    def __str__(self) -> str:
        return f"checkpoint #{self.id} (tree size {self.tree_size}, issued {self.issued_at})"


def verify_bundle(
    bundle: dict[str, Any],
    public_key: bytes,
    trusted: dict[str, Any] | None = None,
    witness: WitnessKey | None = None,
    envelopes: dict[str, dict[str, Any]] | None = None,
) -> Report:
    """Every check an auditor needs, against nothing but the bundle, the ledger's key, the
    witness's key, and the checkpoint the auditor kept from before (`trusted`), if any.
    A case's envelopes are read as JSON once; given `envelopes`, each is left there under
    its text ({} for one that is not a JSON object), for a caller that reads them too."""
    report = Report()
    if bundle.get("format") != BUNDLE_FORMAT:
        report.fail("bundle", f"format is {bundle.get('format')!r}, expected {BUNDLE_FORMAT!r}")
        return report
    try:
        checkpoints = sorted(
            (_Checkpoint.parse(c) for c in bundle["checkpoints"]), key=lambda c: (c.tree_size, c.id)
        )
        anchor = next(c for c in checkpoints if c.id == bundle["proven_against"])
        entries = [(int(e["leaf_index"]), str(e["envelope"]), _proof(e.get("inclusion_proof")))
                   for e in bundle["entries"]]  # fmt: skip
    except (KeyError, TypeError, ValueError, StopIteration) as error:
        report.fail("bundle", f"malformed: {error!r}")
        return report
    report.checkpoints, report.entries = len(checkpoints), len(entries)
    report.anchor = {"id": anchor.id, "tree_size": anchor.tree_size, "issued_at": anchor.issued_at}
    notes = _check_signatures(report, checkpoints, public_key)
    _check_witness(report, anchor, witness)
    _check_chain(report, checkpoints, bundle.get("consistency", []))
    scope = bundle.get("scope", {})
    # Each envelope of a case read once, for the checks that look inside it.
    events = {} if envelopes is None else envelopes
    if scope.get("kind") == "case":
        events.update((e, _json_or_empty(e)) for _, e, _ in entries)
    _check_inclusion(report, anchor, entries, scope, bool(bundle.get("complete")), events)
    if bundle.get("complete"):
        _check_complete(report, checkpoints, anchor, entries)
        _check_ledger_case_index(report, anchor, entries, notes.get(anchor))
    if scope.get("kind") == "case":
        _check_case_index(report, anchor, entries, bundle, notes.get(anchor), events)
    if trusted is not None:
        _check_trusted(report, _Checkpoint.parse(trusted), checkpoints, bundle, public_key)
    return report


def _check_trusted(report: Report, trusted: _Checkpoint, checkpoints: list[_Checkpoint],
                   bundle: dict[str, Any], public_key: bytes) -> None:  # fmt: skip
    """The bundle's checkpoints extend the one the auditor kept: the ledger was not rewritten
    after the auditor saw it. Proven by the bundle's `trusted_consistency` proof, or for a
    whole-ledger bundle by the root of its first leaves."""
    body = checkpoint_body(trusted.tree_size, trusted.root, trusted.issued_at)
    if not verify_checkpoint_signature(public_key, body, trusted.signature):
        report.fail(f"your trusted {trusted}", "does not carry the given key's signature")
        return
    for c in checkpoints:
        if c.id == trusted.id and (c.tree_size, c.root) != (trusted.tree_size, trusted.root):
            report.fail(str(c), f"differs from your trusted checkpoint #{trusted.id}")
    later = [c for c in checkpoints if c.tree_size >= trusted.tree_size]
    if not later:
        report.fail("bundle", f"every checkpoint in it is older than your trusted {trusted}:"
                    " the ledger lost what you saw (or export a newer bundle)")  # fmt: skip
        return
    first, consistent = later[0], _extends_trusted(trusted, later[0], bundle)
    if consistent is None:
        report.fail(str(first), f"no proof that it extends your trusted checkpoint #{trusted.id}")
    elif not consistent:
        report.fail(str(first), f"is not an extension of your trusted {trusted}: the ledger was"
                    " rewritten after you saw it")  # fmt: skip


def _extends_trusted(trusted: _Checkpoint, first: _Checkpoint, bundle: dict) -> bool | None:
    proof = bundle.get("trusted_consistency") or {}
    if proof.get("from_size") == trusted.tree_size and proof.get("to") == first.id:
        return verify_consistency(trusted.tree_size, first.tree_size, trusted.root, first.root,
                                  [bytes.fromhex(p) for p in proof["proof"]])  # fmt: skip
    if not bundle.get("complete"):
        return None
    leaves = sorted((int(e["leaf_index"]), str(e["envelope"])) for e in bundle["entries"])
    roots = _Roots()
    for index, envelope in leaves[: trusted.tree_size]:
        if index != roots.size:
            return False
        roots.append(leaf_hash(envelope.encode()))
    return roots.size == trusted.tree_size and roots.root() == trusted.root


def _check_signatures(report: Report, checkpoints: list[_Checkpoint],
                      public_key: bytes) -> dict[_Checkpoint, str]:  # fmt: skip
    """Checks each checkpoint's signatures; returns the text of each note signed by the key,
    for the checks that read the note's extensions."""
    ours = key_id_of(public_key)
    opened: dict[_Checkpoint, str] = {}
    for c in checkpoints:
        body = checkpoint_body(c.tree_size, c.root, c.issued_at)
        if not verify_checkpoint_signature(public_key, body, c.signature):
            named = f" (it names key {c.key_id}, yours is {ours})" if c.key_id != ours else ""
            report.fail(str(c), f"the signature does not verify with the given key{named}")
        if c.note is not None and (text := _check_note(report, c, public_key)) is not None:
            opened[c] = text
    return opened


def _check_witness(report: Report, anchor: _Checkpoint, witness: WitnessKey | None) -> None:
    """The witness vouches that the anchor extends every checkpoint it cosigned before: a
    ledger rewritten by someone with database access cannot get its cosignature."""
    if witness is None:
        report.fail("bundle", "no witness key given (--witness-key): without the witness's"
                    " cosignature the ledger's own signature cannot show it was not"
                    " rewritten")  # fmt: skip
    elif anchor.note is None or cosigned_at(anchor.note, witness) is None:
        report.fail(str(anchor), f"carries no valid cosignature by the witness {witness.name}"
                    " (export against a checkpoint the witness cosigned)")  # fmt: skip


def _check_note(report: Report, c: _Checkpoint, public_key: bytes) -> str | None:
    """The checkpoint's C2SP signed note is signed by the key and names the same tree; its
    text when the key signed it."""
    text = open_note(c.note or "", ORIGIN, public_key)
    if text is None:
        report.fail(str(c), "its signed note does not verify with the given key")
    elif text.splitlines()[:3] != checkpoint_note(ORIGIN, c.tree_size, c.root).splitlines():
        report.fail(str(c), "its signed note names another tree than the checkpoint")
    return text


def _check_chain(report: Report, checkpoints: list[_Checkpoint], proofs: list[dict]) -> None:
    by_pair = {(int(p["from"]), int(p["to"])): p["proof"] for p in proofs}
    for old, new in itertools.pairwise(checkpoints):
        proof = by_pair.get((old.id, new.id))
        if proof is None:
            report.fail(str(new), f"no consistency proof from checkpoint #{old.id}")
        elif not verify_consistency(old.tree_size, new.tree_size, old.root, new.root,
                                    [bytes.fromhex(p) for p in proof]):  # fmt: skip
            report.fail(str(new), f"is not an extension of checkpoint #{old.id}: the ledger"
                        " was rewritten between them")  # fmt: skip


def _proof(hashes: list[str] | None) -> list[bytes] | None:
    return None if hashes is None else [bytes.fromhex(h) for h in hashes]


def _check_inclusion(report: Report, anchor: _Checkpoint,
                     entries: list[tuple[int, str, list[bytes] | None]], scope: dict,
                     complete: bool, events: dict[str, dict[str, Any]]) -> None:  # fmt: skip
    seen: set[int] = set()
    proven = iter(verify_inclusions(
        ((leaf_hash(e.encode()), i, p) for i, e, p in entries if p is not None),
        anchor.tree_size, anchor.root,
    ))  # fmt: skip
    for index, envelope, proof in entries:
        subject = f"entry {index}"
        if index in seen:
            report.fail(subject, "appears twice in the bundle", index)
        seen.add(index)
        if proof is None:
            if not complete:  # a whole ledger proves each leaf by rebuilding every root
                report.fail(subject, "has no inclusion proof", index)
            continue
        if not next(proven):
            report.fail(
                subject,
                f"is not the leaf that checkpoint #{anchor.id} signed at this"
                " index (changed, moved, inserted or its proof is wrong)",
                index,
            )
            continue
        case = events[envelope].get("case_id") if scope.get("kind") == "case" else None
        if scope.get("kind") == "case" and case != scope.get("case_id"):
            report.fail(subject, f"belongs to case {case}, not the bundle's", index)
    if scope.get("kind") == "case":
        _check_versions(report, str(scope.get("case_id")), entries, events)


def _check_versions(
    report: Report, case_id: str, entries: list[tuple[int, str, list[bytes] | None]],
    events: dict[str, dict[str, Any]],
) -> None:  # fmt: skip
    """Each aggregate's events in a case bundle run 1..n: a gap is an event left out (or moved
    to another case by its case_id column, which no hash covers)."""
    versions: dict[str, dict[int, tuple[int, str]]] = {}
    for index, envelope, _ in entries:
        event = events[envelope]
        try:
            version = int(event["originator_version"])
        except (KeyError, TypeError, ValueError):
            continue  # not an event of an aggregate
        by_version = versions.setdefault(str(event.get("originator_id")), {})
        by_version[version] = (index, str(event.get("event_id")))
    for aggregate, by_version in versions.items():
        expected = 1
        for version in sorted(by_version):
            if version != expected:
                index, event_id = by_version[version]
                report.fail(f"case {case_id}", f"event {event_id} is version {version} of"
                            f" aggregate {aggregate}, but version {expected} is missing from"
                            " the case", index)  # fmt: skip
            expected = version + 1


def _check_case_index(report: Report, anchor: _Checkpoint,
                      entries: list[tuple[int, str, list[bytes] | None]], bundle: dict[str, Any],
                      text: str | None, events: dict[str, dict[str, Any]]) -> None:  # fmt: skip
    """The case's entries are every event the anchor's case index lists for the case (its
    note's `text`, when the key signed it)."""
    case_id = str(bundle["scope"].get("case_id"))
    subject = f"case {case_id}"
    root = case_index_of(text) if text else None
    if root is None:
        report.fail(str(anchor), "its signed note commits to no case index (it predates the"
                    " index): export the case against a newer checkpoint")  # fmt: skip
        return
    try:
        listed = _proven_case_events(case_id, bundle["case_index"], root)
    except (KeyError, TypeError, ValueError) as error:
        report.fail(subject, f"the bundle's case index is malformed or not the one checkpoint"
                    f" #{anchor.id} signed: {error}")  # fmt: skip
        return
    held = {index: events[envelope].get("event_id") for index, envelope, _ in entries}
    for position, (index, event_id) in enumerate(listed, 1):
        if held.get(index) != event_id:
            report.fail(subject, f"event {event_id} (leaf index {index}), event {position} of"
                        f" the {len(listed)} that checkpoint #{anchor.id} commits to for the"
                        " case, is missing from the bundle", index)  # fmt: skip
    for index in sorted(set(held) - {index for index, _ in listed}):
        report.fail(f"entry {index}", f"event {held[index]} is not one of the events of case"
                    f" {case_id} at checkpoint #{anchor.id}", index)  # fmt: skip


def _check_ledger_case_index(report: Report, anchor: _Checkpoint,
                             entries: list[tuple[int, str, list[bytes] | None]],
                             text: str | None) -> None:  # fmt: skip
    """A whole ledger rebuilds the anchor's case index from its leaves (its note's `text`, when
    the key signed it): the ledger committed every event to the case its envelope names."""
    signed = case_index_of(text) if text else None
    if signed is None:
        return  # a checkpoint from before the index
    cases: dict[bytes, tuple[int, bytes]] = {}
    for index, envelope, _ in sorted(entries):
        found = case_and_event_of(envelope) if index < anchor.tree_size else None
        if found is not None:
            count, digest = cases.get(found[0], (0, EMPTY_CASE_DIGEST))
            cases[found[0]] = (count + 1, next_case_digest(digest, index, found[1]))
    buckets: dict[int, list[bytes]] = {}
    for case, (count, digest) in cases.items():
        bucket = int.from_bytes(hashlib.sha256(case).digest()[:2], "big")
        buckets.setdefault(bucket, []).append(case + count.to_bytes(8, "big") + digest)
    if case_index_root_of({b: bucket_hash(r) for b, r in buckets.items()}) != signed:
        report.fail(str(anchor), "its case index is not the one its leaves make: an event is"
                    " missing from the index, or counted for another case")  # fmt: skip


def _proven_case_events(case_id: str, proof: dict[str, Any], root: bytes) -> list[tuple[int, str]]:
    """The case's events as its case index proof lists them, once the proof is checked."""
    bucket = case_bucket(case_id)
    records = [case_record(str(c), int(n), bytes.fromhex(d)) for c, n, d in proof["records"]]
    siblings = [bytes.fromhex(h) for h in proof["siblings"]]
    if len(siblings) != CASE_INDEX_LEVELS or not _all_hash_sized(*siblings):
        raise ValueError(f"it needs {CASE_INDEX_LEVELS} sibling hashes")
    if case_index_root(bucket, bucket_hash(records), siblings) != root:
        raise ValueError("its bucket and siblings do not hash to the signed root")
    ours = [r for r in records if r[:16] == uuid_bytes(case_id)]
    count = int.from_bytes(ours[0][16:24], "big") if ours else 0
    digest = ours[0][24:] if ours else EMPTY_CASE_DIGEST
    listed, chained = [], EMPTY_CASE_DIGEST
    for index, event_id in proof["events"]:
        event = uuid.UUID(str(event_id))
        listed.append((int(index), str(event)))
        chained = next_case_digest(chained, int(index), event.bytes)
    if len(ours) > 1 or (len(listed), chained) != (count, digest):
        raise ValueError(f"its list of the case's events is not the signed one ({count} events)")
    return listed


def _check_complete(
    report: Report,
    checkpoints: list[_Checkpoint],
    anchor: _Checkpoint,
    entries: list[tuple[int, str, list[bytes] | None]],
) -> None:
    """A whole-ledger bundle: every leaf is there, and the leaves rebuild every signed root."""
    indexes = sorted(index for index, _, _ in entries)
    missing = next((i for i, index in enumerate(indexes) if index != i), len(indexes))
    if missing < anchor.tree_size:
        report.fail(f"entry {missing}", "is missing from the ledger", missing)
    roots, due = _Roots(), [c for c in checkpoints if c.tree_size <= anchor.tree_size]
    for _, envelope, _ in sorted(entries):
        _compare_roots(report, roots, due)
        roots.append(leaf_hash(envelope.encode()))
    _compare_roots(report, roots, due)
    for c in due:
        report.fail(str(c), f"no longer verifies: the ledger holds {roots.size} leaves")


def _compare_roots(report: Report, roots: _Roots, due: list[_Checkpoint]) -> None:
    while due and due[0].tree_size == roots.size:
        c = due.pop(0)
        if roots.root() != c.root:
            report.fail(str(c), "no longer verifies: the ledger's leaves hash to another root")


def _json_or_empty(envelope: str) -> dict[str, Any]:
    try:
        parsed = json.loads(envelope)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def describe(report: Report) -> str:
    if report.valid:
        a = report.anchor or {}
        return (f"valid: {report.entries} entries proven against checkpoint #{a.get('id')}"
                f" (tree size {a.get('tree_size')}, issued {a.get('issued_at')});"
                f" {report.checkpoints} checkpoints signed and consistent")  # fmt: skip
    lines = ["INVALID"]
    if report.first_bad_index is not None:
        lines.append(f"first bad entry: leaf index {report.first_bad_index}")
    lines += [f"  {finding}" for finding in report.findings[:50]]
    if len(report.findings) > 50:
        lines.append(f"  ... and {len(report.findings) - 50} more")
    return "\n".join(lines)


def text_or_file(value: str) -> str:
    path = Path(value)
    return path.read_text().strip() if path.is_file() else value


def read_public_key(value: str) -> bytes:
    """A base64 public key, or the path of a file that holds one."""
    key = _b64(text_or_file(value))
    if len(key) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, not {len(key)}")
    return key


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Rapport audit bundle offline.")
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--public-key", required=True, help="base64, or a file holding it")
    parser.add_argument(
        "--witness-key",
        required=True,
        help="the witness's verifier key (name+hash+base64), or a file holding it",
    )
    parser.add_argument("--trusted-checkpoint", type=Path,
                        help="a checkpoint (JSON) you kept: the bundle must extend it")  # fmt: skip
    args = parser.parse_args(None if argv is None else list(argv))
    try:
        public_key = read_public_key(args.public_key)
        witness = WitnessKey.parse(text_or_file(args.witness_key))
        bundle = json.loads(args.bundle.read_text())
        trusted = (
            json.loads(args.trusted_checkpoint.read_text()) if args.trusted_checkpoint else None
        )
        if trusted is not None:
            _Checkpoint.parse(trusted)
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as error:
        print(f"cannot read the input: {error}", file=sys.stderr)
        return 2
    report = verify_bundle(bundle, public_key, trusted, witness)
    print(describe(report))
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main())
