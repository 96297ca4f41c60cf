"""Writes what cannot read shared/registry.py itself: the services of docker-compose.yml with
their database passwords, and the PostgreSQL image's first-start script. `make generated`
runs it; a unit test
(tests/unit/shared/test_registry.py) fails when the committed files drift from the registry.

    python3 deploy/generate.py           # rewrite both files
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared import registry  # noqa: E402  (after the path is set, for the machine's python3)

COMPOSE = ROOT / "docker-compose.yml"
POSTGRES_INIT = ROOT / "deploy" / "postgres-init.sql"
BEGIN = "  # BEGIN services generated from shared/registry.py by `make generated`; do not edit\n"
END = "  # END services generated from shared/registry.py\n"
PASSWORDS_BEGIN = "# BEGIN database passwords generated from shared/registry.py; do not edit\n"
PASSWORDS_END = "# END database passwords\n"
KAFKA_BOOTSTRAP = "kafka-1:9092,kafka-2:9092,kafka-3:9092"


def password_variable(name: str) -> str:
    """Each service's database role has a password of its own (INTAKE_DATABASE_PASSWORD)."""
    return f"{name.upper()}_DATABASE_PASSWORD"


# The gateway trusts the compose file's identity provider (its keycloak service): tokens name
# the issuer as browsers reach it (KEYCLOAK_URL), while the gateway reads the provider's keys
# and discovery document at its address on the containers' network; and it reaches the
# services by their names there.
KEYCLOAK_INSIDE = "http://keycloak:8080/realms/rapport"
EXTRA_ENVIRONMENT = {
    "gateway": {
        "GATEWAY_OIDC_ISSUER": "${KEYCLOAK_URL:-http://localhost:8180}/realms/rapport",
        "GATEWAY_OIDC_JWKS_URL": f"{KEYCLOAK_INSIDE}/protocol/openid-connect/certs",
        "GATEWAY_OIDC_DISCOVERY_URL": f"{KEYCLOAK_INSIDE}/.well-known/openid-configuration",
        "GATEWAY_SUBJECT_CLAIM": "preferred_username",  # the realm's staff ids
        **{
            f"GATEWAY_{name.upper()}_URL": f"http://{name}:{registry.port_of(name)}"
            for name in ("intake", "scheduling", "forms", "audit")
        },
    },
}
EXTRA_DEPENDENCIES = {"gateway": ("keycloak",)}  # started once these are healthy too


def compose_services() -> str:
    blocks = []
    for entry in registry.running():
        prefix = entry.name.upper()
        secrets = [
            f"      {prefix}_{s.upper()}: ${{{prefix}_{s.upper()}:?set {prefix}_{s.upper()}}}\n"
            for s in entry.secrets
        ]
        calls = [
            f"      {prefix}_{c.upper()}_URL: http://{c}:{registry.port_of(c)}\n"
            for c in entry.calls
        ]
        extra = [f"      {k}: {v}\n" for k, v in EXTRA_ENVIRONMENT.get(entry.name, {}).items()]
        blocks.append(
            f"  {entry.name}:\n"
            "    <<: *service\n"
            f'    command: ["python", "-m", "services.{entry.name}"]\n'
            + _dependencies(entry.name)
            + "    environment:\n"
            f"      {prefix}_HOST: 0.0.0.0\n"
            f"      {prefix}_DATABASE_URL: postgresql://{entry.name}:"
            f"${{{password_variable(entry.name)}}}@postgres:5432/{entry.name}\n"
            f"      {prefix}_KAFKA_BOOTSTRAP: {KAFKA_BOOTSTRAP}\n"
            f"      {prefix}_ENVIRONMENT: production\n"
            "      RAPPORT_IDENTITY_PUBLIC_KEY: ${RAPPORT_IDENTITY_PUBLIC_KEY:?set it}\n"
            + "".join(secrets)
            + "".join(calls)
            + "".join(extra)
            + f'    ports: ["127.0.0.1:{entry.port}:{entry.port}"]\n'
        )
    return BEGIN + "\n".join(blocks) + END


def _dependencies(service: str) -> str:
    """Every service's (x-service's &dependencies) and its own extra ones."""
    extra = EXTRA_DEPENDENCIES.get(service, ())
    if not extra:
        return ""
    own = "".join(f"      {name}: {{ condition: service_healthy }}\n" for name in extra)
    return "    depends_on:\n      <<: *dependencies\n" + own


def database_passwords() -> str:
    """The passwords, as an anchor the postgres service's first start reads them from."""
    lines = [f"  {v}: ${{{v}:?set {v}}}\n" for v in map(password_variable, _databases())]
    anchor = "x-database-passwords: &database-passwords\n"
    return PASSWORDS_BEGIN + anchor + "".join(lines) + PASSWORDS_END


def compose_with_services(text: str) -> str:
    text = _with_section(text, BEGIN, END, compose_services())
    return _with_section(text, PASSWORDS_BEGIN, PASSWORDS_END, database_passwords())


def _with_section(text: str, begin: str, end: str, section: str) -> str:
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{COMPOSE.name} has no generated section ({begin.strip()})")
    return pattern.sub(lambda _: section, text)


def postgres_init() -> str:
    lines = [
        "-- Generated from shared/registry.py by `make generated`; do not edit.",
        "-- First start of the postgres image (docker-compose.yml): one role and database per",
        "-- service, each role with its own password (<NAME>_DATABASE_PASSWORD), and only its",
        "-- own role may connect to a service's database. deploy/postgres.sh does the same",
        "-- without Docker.",
    ]
    for name in _databases():
        lines += [
            f'\\set password `echo "${password_variable(name)}"`',
            f"CREATE ROLE {name} LOGIN PASSWORD :'password';",
            f"CREATE DATABASE {name} OWNER {name};",
            f"REVOKE CONNECT, TEMPORARY ON DATABASE {name} FROM PUBLIC;",
        ]
    return "\n".join(lines) + "\n"


def _databases() -> list[str]:
    return [entry.name for entry in registry.SERVICES]


def main() -> None:
    COMPOSE.write_text(compose_with_services(COMPOSE.read_text()))
    POSTGRES_INIT.write_text(postgres_init())


if __name__ == "__main__":
    main()
