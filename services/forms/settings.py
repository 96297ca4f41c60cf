from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared import registry
from shared.settings import Base64Key, ServiceSettings


class FormsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FORMS_", extra="ignore")

    port: int = registry.port_of("forms")
    # base64 of an AES key: answers, link tokens and risk plans are encrypted at rest with it.
    cipher_key: Base64Key | None = None
    # A pre-session link works until this long after the session's start.
    link_grace_hours: float = Field(default=24, gt=0)
    feedback_window_days: float = Field(default=28, gt=0)
    public_base_url: str = "http://127.0.0.1:8003"  # where clients open /f/{token}

    @model_validator(mode="after")
    def production_needs_a_key(self) -> "FormsSettings":
        if self.environment == "production" and self.cipher_key is None:
            raise ValueError("FORMS_CIPHER_KEY is required in production")
        return self
