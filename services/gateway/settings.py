from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared import registry
from shared.settings import ServiceSettings

DEV_ISSUER = "http://127.0.0.1:8180/realms/rapport"  # deploy/keycloak.sh


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    port: int = registry.port_of("gateway")
    # Any OpenID Connect provider: Keycloak here, Entra ID or Google in production. Without a
    # JWKS address the provider's discovery document names it.
    oidc_issuer: str = DEV_ISSUER
    oidc_audience: str = "rapport-gateway"
    oidc_jwks_url: str | None = None
    # Where the gateway reads the discovery document when the issuer's address is not the one
    # it can reach (a container network: compose's keycloak:8080); by default the issuer's.
    oidc_discovery_url: str | None = None
    oidc_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "PS256", "ES256"])
    oidc_leeway_seconds: int = Field(default=30, ge=0, le=300)
    # Where the claims are: Keycloak's realm's mappers put them at these names; a provider
    # with other names (Entra's "oid", app roles) is configured here.
    subject_claim: str = "sub"
    roles_claim: str = "roles"
    sites_claim: str = "sites"
    # base64 of the Ed25519 seed that signs the identity assertions the services verify.
    assertion_key: SecretStr | None = None
    # The services' addresses; by default on this machine beside the gateway's own port
    # (its port's last digit 0, theirs as in the registry), so RAPPORT_PORT_BASE moves all.
    intake_url: str | None = None
    scheduling_url: str | None = None
    forms_url: str | None = None
    audit_url: str | None = None
    upstream_timeout_seconds: float = Field(default=10.0, gt=0)
    # Requests per token per window; beyond it 429 with Retry-After.
    rate_limit_requests: int = Field(default=600, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1)

    @model_validator(mode="after")
    def production_is_configured(self) -> "GatewaySettings":
        if self.assertion_key is None:
            raise ValueError("GATEWAY_ASSERTION_KEY is required (deploy/dev_env.sh makes one)")
        if self.environment == "production" and self.oidc_issuer == DEV_ISSUER:
            raise ValueError("GATEWAY_OIDC_ISSUER must name the charity's identity provider")
        if any(alg == "none" or alg.startswith("HS") for alg in self.oidc_algorithms):
            raise ValueError("GATEWAY_OIDC_ALGORITHMS: asymmetric algorithms only")
        return self

    def discovery_url(self) -> str:
        return self.oidc_discovery_url or (
            f"{self.oidc_issuer.rstrip('/')}/.well-known/openid-configuration"
        )

    def upstream(self, service: str) -> str:
        given = getattr(self, f"{service}_url")
        base = self.port - self.port % 10
        return str(given or f"http://127.0.0.1:{base + registry.port_of(service) % 10}")
