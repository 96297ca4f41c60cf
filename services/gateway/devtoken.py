"""Prints an access token of a demo user of the development realm, for scripts and curl:

    make token ROLE=therapist SITE=north
    python -m services.gateway.devtoken therapist north

The user is <role>.<site> (deploy/keycloak/realm.py); the password is the machine's
generated demo password in RAPPORT_HOME/dev-secrets. Development only."""

import os
import sys
from pathlib import Path

import httpx

from services.gateway.policy import ROLES

KEYCLOAK = os.environ.get("RAPPORT_KEYCLOAK_URL", "http://127.0.0.1:8180")
SITES = ("north", "south")


def token(role: str, site: str) -> str:
    home = Path(os.environ.get("RAPPORT_HOME", "/var/lib/rapport"))
    password = (home / "dev-secrets" / "keycloak.demo_password").read_text().strip()
    answer = httpx.post(
        f"{KEYCLOAK}/realms/rapport/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "rapport-staff",
              "username": f"{role}.{site}", "password": password},
    )  # fmt: skip
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def main(argv: list[str]) -> None:
    role, site = [*argv, "", ""][:2]
    if role not in ROLES or site not in SITES:
        raise SystemExit(f"usage: make token ROLE=<{'|'.join(ROLES)}> SITE=<{'|'.join(SITES)}>")
    try:
        sys.stdout.write(token(role, site) + "\n")
    except (OSError, httpx.HTTPError) as error:
        raise SystemExit(
            f"no token from Keycloak at {KEYCLOAK} ({error}); is make run up?"
        ) from None


if __name__ == "__main__":
    main(sys.argv[1:])
