"""The witness's key and settings: required in production, generated once in development;
and the add-checkpoint request as the C2SP tlog-witness protocol writes it."""

import base64

import pytest
from pydantic import ValidationError

from services.witness.api import MalformedRequest, parse_request
from services.witness.settings import WitnessSettings
from shared.signing_keys import SigningKeyError, load_private_key, new_seed_b64

LOG_KEY = base64.b64encode(bytes(32)).decode()


def settings(tmp_path, **overrides) -> WitnessSettings:
    values = {"database_url": "postgresql://witness@127.0.0.1/witness",
              "signing_key_file": tmp_path / "witness.key", "log_public_key": LOG_KEY}  # fmt: skip
    return WitnessSettings(**{**values, **overrides})


def test_production_without_a_witness_key_refuses_to_start(tmp_path):
    with pytest.raises(ValidationError, match="WITNESS_SIGNING_KEY is required"):
        settings(tmp_path, environment="production")
    with pytest.raises(SigningKeyError, match="required in production"):
        load_private_key(None, tmp_path / "k", "production", "WITNESS_SIGNING_KEY")


def test_development_generates_the_witness_key_once_and_keeps_it(tmp_path):
    chosen = settings(tmp_path, environment="development")

    first = load_private_key(None, chosen.signing_key_file, chosen.environment, "W")
    again = load_private_key(None, chosen.signing_key_file, chosen.environment, "W")

    assert first.public_key().public_bytes_raw() == again.public_key().public_bytes_raw()
    assert chosen.signing_key_file.stat().st_mode & 0o777 == 0o600


def test_a_given_key_is_used_as_given(tmp_path):
    seed = new_seed_b64()
    chosen = settings(tmp_path, environment="production", signing_key=seed)

    key = load_private_key(chosen.signing_key, chosen.signing_key_file, "production", "W")

    assert key.private_bytes_raw() == base64.b64decode(seed)
    assert not chosen.signing_key_file.exists()


def test_the_request_is_the_old_size_the_proof_and_the_note():
    proof = [bytes([n]) * 32 for n in range(2)]
    body = "old 5\n" + "".join(base64.b64encode(h).decode() + "\n" for h in proof)

    assert parse_request(body + "\nrapport-audit\n12\nroot\n") == (
        5, proof, "rapport-audit\n12\nroot\n",
    )  # fmt: skip
    assert parse_request("old 0\n\nnote\n") == (0, [], "note\n")


@pytest.mark.parametrize(
    "body", ["no old line\n\nnote", "old -1\n\nnote", "old 3\nnot base64!\n\nnote",
             f"old 3\n{base64.b64encode(b'short').decode()}\n\nnote", "old 3\n"],
)  # fmt: skip
def test_a_malformed_request_is_refused_naming_what_is_wrong(body):
    with pytest.raises(MalformedRequest):
        parse_request(body)
