"""An assertion signed for a caller, method and path is sent again while it is young, and
only for that caller, method and path: another path, method, acting role, site or a
break-glass read gets its own; an old one is signed afresh; each verifies at a service for
its own request only, and names no request (no correlation id)."""

import base64
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.gateway import assertions
from services.gateway.assertions import Assertions
from shared import identity
from shared.identity import Identity

WHO = Identity("therapist.north", "therapist", ("therapist",), ("north",), "cid-1")


def public_of(key: Ed25519PrivateKey) -> Any:
    raw = key.public_key().public_bytes_raw()
    return identity.public_key_of(base64.b64encode(raw).decode())


def test_the_same_caller_method_and_path_get_the_same_young_assertion():
    signer = Assertions(Ed25519PrivateKey.generate())
    first = signer.of(WHO, "GET", "/cases/1")
    assert signer.of(replace(WHO, correlation_id="cid-2"), "GET", "/cases/1") == first
    others = {
        signer.of(WHO, "GET", "/cases/2"),
        signer.of(WHO, "POST", "/cases/1"),
        signer.of(replace(WHO, role="supervisor", roles=("supervisor",)), "GET", "/cases/1"),
        signer.of(replace(WHO, sites=("south",)), "GET", "/cases/1"),
        signer.of(replace(WHO, break_glass=True), "GET", "/cases/1"),
    }
    assert first not in others and len(others) == 5


def test_each_verifies_for_its_own_request_only_and_names_no_request():
    key = Ed25519PrivateKey.generate()
    token = Assertions(key).of(WHO, "GET", "/cases/1")
    who = identity.verify(public_of(key), token, "GET", "/cases/1")
    assert (who.subject, who.role, who.correlation_id) == ("therapist.north", "therapist", "")
    with pytest.raises(identity.IdentityError):
        identity.verify(public_of(key), token, "GET", "/cases/2")


def test_an_assertion_past_its_reuse_is_signed_afresh(monkeypatch: Any):
    signer, now = Assertions(Ed25519PrivateKey.generate()), [1000.0]
    monkeypatch.setattr(assertions.time, "monotonic", lambda: now[0])
    first = signer.of(WHO, "GET", "/cases/1")
    now[0] += assertions.REUSE - 1
    assert signer.of(WHO, "GET", "/cases/1") == first
    now[0] += 2
    assert signer.of(WHO, "GET", "/cases/1") != first  # a new jti
