"""Every Rapport service in one place: its name, port, database, topic and secrets.

The services read it (their default port, the topics of the service topics), and so do the
deploy scripts (`make run`, the PostgreSQL roles and databases), the tests' ports and
docker-compose (generated from it). It needs only the standard library, so the deploy
scripts run it with the machine's python3 before any virtual environment exists:

    python3 shared/registry.py running     # "<name> <port>" of each service `make run` starts
    python3 shared/registry.py databases   # one database (and role) per service
    python3 shared/registry.py ciphered    # the services that encrypt at rest (a cipher key)

docker-compose.yml's services and deploy/postgres-init.sql are generated from it by
`make generated` (deploy/generate.py); a unit test fails when they drift.

A new service adds one line to SERVICES (and sets `runs=True` once its package exists).
"""

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    port: int
    runs: bool  # built: `make run`, compose and the e2e stack start it
    publishes: bool = True  # has an outbox relay to the topic `<name>.events`
    # The settings production must be given, as settings of the service (INTAKE_CIPHER_KEY):
    # its secrets, and the public keys it must trust.
    secrets: tuple[str, ...] = ()
    # The services it calls directly over HTTP: compose sets <NAME>_<CALLED>_URL for each.
    calls: tuple[str, ...] = ()


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("gateway", 8000, runs=True, secrets=("assertion_key",)),
    ServiceEntry("intake", 8001, runs=True, secrets=("cipher_key", "digest_key")),
    ServiceEntry("scheduling", 8002, runs=True),
    ServiceEntry("forms", 8003, runs=True, secrets=("cipher_key",)),
    ServiceEntry(
        "audit",
        8004,
        runs=True,
        publishes=False,
        secrets=("signing_key", "witness_key"),
        calls=("witness",),
    ),
    # Cosigns the audit ledger's checkpoints; run by another organisation in production.
    ServiceEntry(
        "witness", 8005, runs=True, publishes=False, secrets=("signing_key", "log_public_key")
    ),
)
BY_NAME = {entry.name: entry for entry in SERVICES}


def entry(name: str) -> ServiceEntry:
    try:
        return BY_NAME[name]
    except KeyError:
        raise LookupError(f"{name!r} is not in shared/registry.py") from None


def port_of(name: str) -> int:
    return entry(name).port


def running() -> list[ServiceEntry]:
    return [e for e in SERVICES if e.runs]


def publishers() -> list[str]:
    """The services with a topic of their own: what the audit ledger consumes."""
    return [e.name for e in SERVICES if e.publishes]


def _main(command: str) -> None:
    if command == "running":
        print("\n".join(f"{e.name} {e.port}" for e in running()))
    elif command == "databases":
        print("\n".join(e.name for e in SERVICES))
    elif command == "ciphered":
        print("\n".join(e.name for e in SERVICES if "cipher_key" in e.secrets))
    else:
        raise SystemExit(f"unknown command {command!r}: running | databases | ciphered")


if __name__ == "__main__":
    _main(sys.argv[1] if len(sys.argv) > 1 else "running")
