"""A service remembers an assertion it has verified, but never for more than it proves: the
request it was signed for, the key that signed it, and its lifetime."""

import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import identity
from shared.identity import Identity, IdentityError, VerifiedClaims

KEY = Ed25519PrivateKey.generate()
WHO = Identity("therapist.north", "therapist", ("therapist",), ("north",), "")


def test_a_remembered_assertion_still_serves_only_its_own_method_and_path():
    verified = VerifiedClaims()
    token = identity.sign(KEY, WHO, "GET", "/cases/1")
    assert (
        identity.verify(KEY.public_key(), token, "GET", "/cases/1", verified).subject == WHO.subject
    )
    assert token in verified.claims
    with pytest.raises(IdentityError, match="another request"):
        identity.verify(KEY.public_key(), token, "GET", "/cases/2", verified)
    with pytest.raises(IdentityError, match="another request"):
        identity.verify(KEY.public_key(), token, "POST", "/cases/1", verified)


def test_a_remembered_assertion_is_forgotten_once_it_has_expired(
    monkeypatch: pytest.MonkeyPatch,
):
    """Past its expiry the claims are not served: the assertion is checked afresh (and
    PyJWT, on its own clock, refuses it)."""
    verified = VerifiedClaims()
    token = identity.sign(KEY, WHO, "GET", "/cases/1")
    identity.verify(KEY.public_key(), token, "GET", "/cases/1", verified)
    later = time.time() + identity.LIFETIME + identity.LEEWAY + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert verified.get(token) is None and token not in verified.claims


def test_what_one_key_verified_is_not_taken_for_another_s():
    ours, theirs = VerifiedClaims(), VerifiedClaims()
    token = identity.sign(KEY, WHO, "GET", "/cases/1")
    identity.verify(KEY.public_key(), token, "GET", "/cases/1", ours)
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(IdentityError, match="not valid"):
        identity.verify(other, token, "GET", "/cases/1", theirs)


def test_a_full_memory_keeps_only_live_assertions():
    verified = VerifiedClaims(kept=2)
    for path in ("/a", "/b", "/c"):
        token = identity.sign(KEY, WHO, "GET", path)
        identity.verify(KEY.public_key(), token, "GET", path, verified)
    assert len(verified.claims) <= 2
