"""Writes the realm Keycloak imports: deploy/keycloak/rapport-realm.json plus one demo user
for each role at each demo site, all with the machine's generated demo password (kept in
RAPPORT_HOME/dev-secrets, never in the repository). Standard library only: it runs before
any virtual environment exists.

    python3 deploy/keycloak/realm.py <password file> <output file>

docker-compose.yml's keycloak-realm runs it with the password of KEYCLOAK_DEMO_PASSWORD.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITES = ("north", "south")


def demo_user(role: str, site: str, password: str) -> dict[str, object]:
    # The username is the staff id the services see (GATEWAY_SUBJECT_CLAIM=preferred_username
    # in development): "therapist.north" is the therapist cases are allocated to.
    return {
        "username": f"{role}.{site}",
        "enabled": True,
        "email": f"{role}.{site}@rapport.invalid",
        "emailVerified": True,
        "firstName": role.replace("_", " ").title(),
        "lastName": site.title(),
        "attributes": {"sites": [site]},
        "realmRoles": [role],
        "credentials": [{"type": "password", "value": password, "temporary": False}],
    }


def realm(password: str) -> dict[str, object]:
    spec = json.loads((HERE / "rapport-realm.json").read_text())
    roles = [role["name"] for role in spec["roles"]["realm"]]
    spec["users"] = [demo_user(role, site, password) for role in roles for site in SITES]
    return spec


if __name__ == "__main__":
    password_file, output = sys.argv[1:3]  # compose pipes the password in: /dev/stdin
    password = Path(password_file).read_text().strip()
    if not password:
        sys.exit(
            f"realm.py: no demo password in {password_file} (KEYCLOAK_DEMO_PASSWORD in compose)"
        )
    Path(output).write_text(json.dumps(realm(password), indent=1))
