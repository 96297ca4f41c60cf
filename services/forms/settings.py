import base64
import binascii

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from shared import registry
from shared.settings import ServiceSettings


class FormsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FORMS_", extra="ignore")

    port: int = registry.port_of("forms")
    # base64 of an AES key: answers, link tokens and risk plans are encrypted at rest with it.
    cipher_key: SecretStr | None = None
    # A pre-session link works until this long after the session's start.
    link_grace_hours: float = Field(default=24, gt=0)
    feedback_window_days: float = Field(default=28, gt=0)
    public_base_url: str = "http://127.0.0.1:8003"  # where clients open /f/{token}

    @field_validator("cipher_key")
    @classmethod
    def an_aes_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is None:
            return None
        try:
            size = len(base64.b64decode(key.get_secret_value(), validate=True))
        except (binascii.Error, ValueError):
            size = 0
        if size not in (16, 24, 32):
            raise ValueError("the cipher key must be base64 of a 16, 24 or 32 byte key")
        return key

    @model_validator(mode="after")
    def production_needs_a_key(self) -> "FormsSettings":
        if self.environment == "production" and self.cipher_key is None:
            raise ValueError("FORMS_CIPHER_KEY is required in production")
        return self
