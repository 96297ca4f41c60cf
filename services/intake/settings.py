from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared import registry
from shared.settings import Base64Key, ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    port: int = registry.port_of("intake")
    # The largest command, a full IPAF (four texts of 20,000 characters), JSON-escaped at
    # worst (12 bytes a character: a surrogate pair of \uXXXX), is under 1 MiB.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # base64 of a 32-byte AES key; personal details are encrypted at rest with it.
    cipher_key: Base64Key | None = None
    # base64 of a 32-byte key; short free text goes to Kafka as its HMAC under it (digests.py).
    digest_key: Base64Key | None = None

    @model_validator(mode="after")
    def production_needs_a_key(self) -> "IntakeSettings":
        if self.environment == "production" and self.cipher_key is None:
            raise ValueError("INTAKE_CIPHER_KEY is required in production")
        if self.environment == "production" and self.digest_key is None:
            raise ValueError("INTAKE_DIGEST_KEY is required in production")
        return self
