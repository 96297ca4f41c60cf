"""Writes what cannot read shared/registry.py itself: the services of docker-compose.yml and
the PostgreSQL image's first-start script. `make generated` runs it; a unit test
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
KAFKA_BOOTSTRAP = "kafka-1:9092,kafka-2:9092,kafka-3:9092"


def compose_services() -> str:
    blocks = []
    for entry in registry.running():
        prefix = entry.name.upper()
        secrets = [
            f"      {prefix}_{s.upper()}: ${{{prefix}_{s.upper()}:?set {prefix}_{s.upper()}}}\n"
            for s in entry.secrets
        ]
        blocks.append(
            f"  {entry.name}:\n"
            "    <<: *service\n"
            f'    command: ["python", "-m", "services.{entry.name}"]\n'
            "    environment:\n"
            f"      {prefix}_HOST: 0.0.0.0\n"
            f"      {prefix}_DATABASE_URL: postgresql://{entry.name}:${{POSTGRES_PASSWORD}}"
            f"@postgres:5432/{entry.name}\n"
            f"      {prefix}_KAFKA_BOOTSTRAP: {KAFKA_BOOTSTRAP}\n"
            f"      {prefix}_ENVIRONMENT: production\n"
            "      RAPPORT_IDENTITY_PUBLIC_KEY: ${RAPPORT_IDENTITY_PUBLIC_KEY:?set it}\n"
            + "".join(secrets)
            + f'    ports: ["127.0.0.1:{entry.port}:{entry.port}"]\n'
        )
    return BEGIN + "\n".join(blocks) + END


def compose_with_services(text: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{COMPOSE.name} has no generated section (the BEGIN/END comments)")
    return pattern.sub(lambda _: compose_services(), text)


def postgres_init() -> str:
    lines = [
        "-- Generated from shared/registry.py by `make generated`; do not edit.",
        "-- First start of the postgres image (docker-compose.yml): one role and database per",
        "-- service, with the password the container was given. deploy/postgres.sh does the",
        "-- same without Docker.",
        '\\set password `echo "$POSTGRES_PASSWORD"`',
    ]
    for name in (e.name for e in registry.SERVICES):
        lines += [
            f"CREATE ROLE {name} LOGIN PASSWORD :'password';",
            f"CREATE DATABASE {name} OWNER {name};",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    COMPOSE.write_text(compose_with_services(COMPOSE.read_text()))
    POSTGRES_INIT.write_text(postgres_init())


if __name__ == "__main__":
    main()
