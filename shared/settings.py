"""Settings common to every service; each service subclasses with its own env prefix."""

import base64
import binascii
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kafka import TopicPolicy


def _an_aes_key(key: SecretStr) -> SecretStr:
    try:
        size = len(base64.b64decode(key.get_secret_value(), validate=True))
    except (binascii.Error, ValueError):
        size = 0
    if size not in (16, 24, 32):
        raise ValueError("the key must be base64 of a 16, 24 or 32 byte key")
    return key


# A secret key setting: base64 of a 16, 24 or 32 byte key (AES, or an HMAC key).
Base64Key = Annotated[SecretStr, AfterValidator(_an_aes_key)]

# Production topics survive one broker down without losing an acknowledged write: three
# copies, and a write is acknowledged only when two have it (acks=all).
PRODUCTION_REPLICATION_FACTOR = 3
PRODUCTION_MIN_INSYNC_REPLICAS = 2


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(description="postgresql://user:password@host:port/database")
    database_pool_size: int = Field(default=10, ge=1)
    kafka_bootstrap: str = "127.0.0.1:9092"
    # Of the topics this service creates; by default 1/1 in development and test (one
    # broker), 3/2 in production, which refuses fewer.
    topic_replication_factor: int | None = Field(default=None, ge=1)
    topic_min_insync_replicas: int | None = Field(default=None, ge=1)
    host: str = "127.0.0.1"
    port: int
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    @model_validator(mode="after")
    def topics_replicated_enough(self) -> Self:
        production = self.environment == "production"
        if self.topic_replication_factor is None:
            self.topic_replication_factor = PRODUCTION_REPLICATION_FACTOR if production else 1
        if self.topic_min_insync_replicas is None:
            self.topic_min_insync_replicas = PRODUCTION_MIN_INSYNC_REPLICAS if production else 1
        self.topic_policy().check()  # checked where topics are made too; here at start
        return self

    def topic_policy(self) -> TopicPolicy:
        assert self.topic_replication_factor and self.topic_min_insync_replicas  # set above
        return TopicPolicy(
            self.topic_replication_factor,
            self.topic_min_insync_replicas,
            production=self.environment == "production",
        )
