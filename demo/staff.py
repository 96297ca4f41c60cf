"""The month's therapist: a new member of staff at the site, added to the development
realm's users by its admin (Keycloak's admin API, development only), with the demo password.

Each run has its own, so its diary is free: the site's standing demo therapist
(`therapist.<site>`) is shared with every earlier run and test on the machine, and its
weekly times fill up until no course of 16 sessions fits (a therapist's caseload has an end;
a demo run many times does not)."""

import os
import secrets
from pathlib import Path

import httpx

KEYCLOAK = os.environ.get("RAPPORT_KEYCLOAK_URL", "http://127.0.0.1:8180")


def _secret(name: str) -> str:
    home = Path(os.environ.get("RAPPORT_HOME", "/var/lib/rapport"))
    return (home / "dev-secrets" / name).read_text().strip()


async def new_staff(role: str, site: str) -> str:
    """`<role>.<site>.<random>`, holding `role` at `site`; returns the username."""
    username = f"{role}.{site}.{secrets.token_hex(3)}"
    form = {"grant_type": "password", "client_id": "admin-cli", "username": "admin",
            "password": _secret("keycloak.admin_password")}  # fmt: skip
    async with httpx.AsyncClient(base_url=f"{KEYCLOAK}/admin/realms/rapport", timeout=30) as kc:
        answer = await kc.post(f"{KEYCLOAK}/realms/master/protocol/openid-connect/token", data=form)
        answer.raise_for_status()
        kc.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        credential = {"type": "password", "value": _secret("keycloak.demo_password"),
                      "temporary": False}  # fmt: skip
        user = {"username": username, "enabled": True, "emailVerified": True,
                "email": f"{username}@rapport.invalid", "firstName": role.title(),
                "lastName": site.title(), "attributes": {"sites": [site]},
                "credentials": [credential]}  # fmt: skip
        created = await kc.post("/users", json=user)
        created.raise_for_status()
        user_id = created.headers["Location"].rsplit("/", 1)[1]
        realm_role = (await kc.get(f"/roles/{role}")).json()
        granted = await kc.post(f"/users/{user_id}/role-mappings/realm", json=[realm_role])
        granted.raise_for_status()
    return username


def token_of(username: str) -> str:
    """An access token of a development realm user, signed in with the demo password."""
    answer = httpx.post(
        f"{KEYCLOAK}/realms/rapport/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "rapport-staff", "username": username,
              "password": _secret("keycloak.demo_password")},
    )  # fmt: skip
    answer.raise_for_status()
    return str(answer.json()["access_token"])
