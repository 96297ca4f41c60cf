"""Settings common to every service; each service subclasses with its own env prefix."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(description="postgresql://user:password@host:port/database")
    database_pool_size: int = Field(default=10, ge=1)
    kafka_bootstrap: str = "127.0.0.1:9092"
    host: str = "127.0.0.1"
    port: int
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
