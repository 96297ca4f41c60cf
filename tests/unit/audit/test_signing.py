"""The checkpoint signing key: where it comes from, and when the service must not start."""

import base64

import pytest
from pydantic import ValidationError

from services.audit.settings import AuditSettings
from services.audit.signing import SigningKeyError, load_signer, new_seed_b64
from tests.support.ledger_data import WITNESS

DB = "postgresql://audit@127.0.0.1/audit"


def settings(tmp_path, **overrides) -> AuditSettings:
    values = {"database_url": DB, "signing_key_file": tmp_path / "state" / "audit.key",
              "witness_key": WITNESS.vkey()}  # fmt: skip
    return AuditSettings(**{**values, **overrides})


def test_development_key_is_generated_once_kept_private_and_reused(tmp_path):
    first = load_signer(settings(tmp_path, environment="development"))
    again = load_signer(settings(tmp_path, environment="test"))

    key_file = tmp_path / "state" / "audit.key"
    assert first.public_key == again.public_key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert not list(key_file.parent.glob("*.new"))


def test_key_from_settings_is_used_as_given(tmp_path):
    seed = new_seed_b64()
    signer = load_signer(settings(tmp_path, environment="production", signing_key=seed))

    assert signer.public_key == load_signer(settings(tmp_path, signing_key=seed)).public_key
    assert not (tmp_path / "state").exists()


def test_production_without_a_signing_key_refuses_to_start(tmp_path):
    with pytest.raises(ValidationError, match="AUDIT_SIGNING_KEY is required"):
        settings(tmp_path, environment="production")


def test_production_without_a_witness_key_refuses_to_start(tmp_path):
    with pytest.raises(ValidationError, match="AUDIT_WITNESS_KEY is required"):
        settings(tmp_path, environment="production", signing_key=new_seed_b64(), witness_key=None)


def test_signing_key_that_is_not_the_pinned_one_refuses_to_start(tmp_path):
    pinned = load_signer(settings(tmp_path, signing_key=new_seed_b64())).public_key_b64

    with pytest.raises(SigningKeyError, match="not the pinned one"):
        load_signer(settings(tmp_path, signing_key=new_seed_b64(), pinned_public_key=pinned))
    seed = new_seed_b64()
    pinned = load_signer(settings(tmp_path, signing_key=seed)).public_key_b64
    assert load_signer(settings(tmp_path, signing_key=seed, pinned_public_key=pinned))


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_malformed_signing_key_refuses_to_start(tmp_path, bad):
    with pytest.raises(SigningKeyError):
        load_signer(settings(tmp_path, signing_key=bad))
