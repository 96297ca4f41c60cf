from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SchedulingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCHEDULING_", extra="ignore")

    port: int = 8002
