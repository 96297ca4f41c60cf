import base64
import binascii

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from shared import registry
from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    port: int = registry.port_of("intake")
    # The largest command, a full IPAF (four texts of 20,000 characters), JSON-escaped at
    # worst (12 bytes a character: a surrogate pair of \uXXXX), is under 1 MiB.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # base64 of a 32-byte AES key; personal details are encrypted at rest with it.
    cipher_key: SecretStr | None = None
    # base64 of a 32-byte key; short free text goes to Kafka as its HMAC under it (digests.py).
    digest_key: SecretStr | None = None

    @field_validator("cipher_key", "digest_key")
    @classmethod
    def an_aes_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is None:
            return None
        try:
            size = len(base64.b64decode(key.get_secret_value(), validate=True))
        except (binascii.Error, ValueError):
            size = 0
        if size not in (16, 24, 32):
            raise ValueError("the key must be base64 of a 16, 24 or 32 byte key")
        return key

    @model_validator(mode="after")
    def production_needs_a_key(self) -> "IntakeSettings":
        if self.environment == "production" and self.cipher_key is None:
            raise ValueError("INTAKE_CIPHER_KEY is required in production")
        if self.environment == "production" and self.digest_key is None:
            raise ValueError("INTAKE_DIGEST_KEY is required in production")
        return self
