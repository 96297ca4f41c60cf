from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    port: int = 8001
    # base64 of a 32-byte AES key; personal details are encrypted at rest with it.
    cipher_key: SecretStr | None = None

    @model_validator(mode="after")
    def production_needs_a_key(self) -> "IntakeSettings":
        if self.environment == "production" and self.cipher_key is None:
            raise ValueError("INTAKE_CIPHER_KEY is required in production")
        return self
