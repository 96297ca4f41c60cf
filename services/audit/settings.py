from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared import registry
from shared.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore")

    port: int = registry.port_of("audit")
    # base64 of the 32-byte Ed25519 seed that signs checkpoints. Required in production; in
    # development and test one is generated once into signing_key_file and kept there.
    signing_key: SecretStr | None = None
    signing_key_file: Path = Path(".state/audit-signing.key")
    # base64 of the 32-byte public key auditors hold: the service refuses to start if its
    # signing key does not match it.
    pinned_public_key: str | None = None
    checkpoint_interval_seconds: float = Field(default=5.0, gt=0)
    # The Kafka topic every signed checkpoint is published to (checkpoint_log.py); by default
    # named after the ledger's database, so two ledgers on one Kafka never share a history.
    checkpoint_topic: str | None = None
    reconcile_interval_seconds: float = Field(default=60.0, gt=0)
    # The witness that cosigns each checkpoint (services/witness), and its verifier key
    # (name+hash+base64, as its GET /public-key says): required in production.
    witness_url: str = f"http://127.0.0.1:{registry.port_of('witness')}"
    witness_key: str | None = None

    def checkpoint_history_topic(self) -> str:
        database = urlsplit(self.database_url).path.strip("/") or "audit"
        return self.checkpoint_topic or f"{database}.checkpoints"

    @model_validator(mode="after")
    def production_needs_a_key(self) -> "AuditSettings":
        if self.environment == "production" and self.signing_key is None:
            raise ValueError("AUDIT_SIGNING_KEY is required in production")
        if self.environment == "production" and self.witness_key is None:
            raise ValueError("AUDIT_WITNESS_KEY is required in production: verifiers need a"
                             " witness's cosignature")  # fmt: skip
        return self
