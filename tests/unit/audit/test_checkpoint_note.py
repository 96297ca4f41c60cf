"""The checkpoint's signed-note form against the vectors of golang.org/x/mod/sumdb/note (the
reference implementation of C2SP signed-note): key id, verifier key, signature line."""

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.verifier import (
    checkpoint_note,
    note_signature_line,
    note_verifier_key,
    open_note,
)

# From golang.org/x/mod/sumdb/note's note_test.go.
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
    "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
PETER_KEY = base64.b64decode(PETER_VKEY.split("+")[2])[1:]


def test_the_verifier_key_and_signature_line_match_the_reference_vectors():
    key = Ed25519PrivateKey.from_private_bytes(PETER_SKEY_SEED)
    public = key.public_key().public_bytes_raw()

    assert note_verifier_key("PeterNeumann", public) == PETER_VKEY
    line = note_signature_line("PeterNeumann", public, key.sign(TEXT.encode()))
    assert line == PETER_SIG


def test_a_reference_signed_note_opens_and_a_changed_one_does_not():
    assert open_note(TEXT + "\n" + PETER_SIG, "PeterNeumann", PETER_KEY) == TEXT
    changed = TEXT.replace("problem,", "problem;") + "\n" + PETER_SIG
    assert open_note(changed, "PeterNeumann", PETER_KEY) is None
    assert open_note(TEXT + "\n" + PETER_SIG, "EnochRoot", PETER_KEY) is None


def test_a_checkpoint_note_is_origin_size_and_base64_root_then_extensions():
    root = bytes(range(32))

    note = checkpoint_note("example.org/log", 7, root, ["checkpoint 3 2025-01-01T00:00:00Z"])

    assert note.splitlines() == ["example.org/log", "7", base64.b64encode(root).decode(),
                                 "checkpoint 3 2025-01-01T00:00:00Z"]  # fmt: skip
    assert note.endswith("\n")
