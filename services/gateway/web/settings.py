from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """The staff web app's settings (GATEWAY_WEB_*); the identity provider is the gateway's."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_WEB_", extra="ignore")

    # The public client registered at the identity provider for the authorisation code flow.
    client_id: str = "rapport-staff"
    # A signed-in browser is signed out after this long without a request.
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # Where the browser reaches the gateway, when a proxy in front changes it (production);
    # by default the address the request came to.
    public_url: str | None = None
