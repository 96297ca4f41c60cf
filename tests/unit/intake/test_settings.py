import pytest
from pydantic import ValidationError

from services.intake.settings import IntakeSettings
from shared.mapping import new_cipher_key

DATABASE = "postgresql://intake@127.0.0.1/intake"


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch):
    monkeypatch.delenv("INTAKE_CIPHER_KEY", raising=False)
    monkeypatch.delenv("INTAKE_DIGEST_KEY", raising=False)
    monkeypatch.delenv("INTAKE_ENVIRONMENT", raising=False)


def test_production_refuses_to_start_without_a_cipher_key():
    with pytest.raises(ValidationError, match="INTAKE_CIPHER_KEY is required in production"):
        IntakeSettings(environment="production", database_url=DATABASE)


def test_production_starts_with_a_cipher_key():
    key = new_cipher_key()
    settings = IntakeSettings(
        environment="production", database_url=DATABASE, cipher_key=key, digest_key=key
    )
    assert settings.cipher_key is not None and settings.cipher_key.get_secret_value() == key


def test_production_refuses_to_start_without_a_digest_key():
    with pytest.raises(ValidationError, match="INTAKE_DIGEST_KEY is required in production"):
        IntakeSettings(environment="production", database_url=DATABASE, cipher_key=new_cipher_key())


def test_a_cipher_key_that_is_not_an_aes_key_is_refused_in_any_environment():
    with pytest.raises(ValidationError, match="base64 of a 16, 24 or 32 byte key"):
        IntakeSettings(environment="development", database_url=DATABASE, cipher_key="short")


def test_development_may_run_without_a_key():
    assert IntakeSettings(environment="development", database_url=DATABASE).cipher_key is None
