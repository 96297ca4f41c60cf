from pathlib import Path

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared import registry
from shared.settings import ServiceSettings


class WitnessSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WITNESS_", extra="ignore")

    port: int = registry.port_of("witness")
    # The name its cosignatures carry: in production the organisation that runs it, as a
    # domain-like name (witness.auditor.example); verifiers are given name and public key.
    name: str = "rapport-witness"
    # base64 of the 32-byte Ed25519 seed it cosigns with. Required in production; in
    # development and test one is generated once into signing_key_file and kept there.
    signing_key: SecretStr | None = None
    signing_key_file: Path = Path(".state/witness-signing.key")
    # The one log it follows: its origin and the base64 public key that signs its notes.
    log_origin: str = "rapport-audit"
    log_public_key: str

    @model_validator(mode="after")
    def production_needs_a_key(self) -> "WitnessSettings":
        if self.environment == "production" and self.signing_key is None:
            raise ValueError("WITNESS_SIGNING_KEY is required in production")
        return self
