"""The gateway beside the session's services, and real tokens of demo staff from the running
Keycloak (deploy/keycloak.sh, started by `make test`) through its token endpoint."""

import os
import secrets
from pathlib import Path

import httpx
import pytest

from tests.support.stack import Stack

KEYCLOAK = os.environ.get("RAPPORT_TEST_KEYCLOAK", "http://127.0.0.1:8180")
TOKEN_URL = f"{KEYCLOAK}/realms/rapport/protocol/openid-connect/token"
SECRETS = Path(os.environ.get("RAPPORT_HOME", "/var/lib/rapport")) / "dev-secrets"


async def with_gateway(stack: Stack, *others: str) -> Stack:
    """Start the gateway (and `others`) in the session's stack unless they already run."""
    missing = [s for s in ("gateway", *others) if s not in stack.processes]
    if missing:
        await stack.up(*missing)
    return stack


async def token_of(username: str) -> str:
    """An access token of a demo user (<role>.<site>), as a staff app gets one."""
    password = (SECRETS / "keycloak.demo_password").read_text().strip()
    form = {"grant_type": "password", "client_id": "rapport-staff",
            "username": username, "password": password}  # fmt: skip
    async with httpx.AsyncClient(timeout=30) as http:
        try:
            answer = await http.post(TOKEN_URL, data=form)
        except httpx.TransportError:
            pytest.fail(
                f"Keycloak does not answer at {KEYCLOAK}: run `make test` (deploy/keycloak.sh)"
            )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def bearer(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await token_of(username)}"}


async def new_staff(role: str, site: str) -> str:
    """A new member of staff in Keycloak's realm, `<role>.<site>.<random>`, with the demo
    password: a diary and a caseload of its own, whatever earlier runs left in the
    databases and the demo users' diaries."""
    username = f"{role}.{site}.{secrets.token_hex(4)}"
    admin_password = (SECRETS / "keycloak.admin_password").read_text().strip()
    form = {"grant_type": "password", "client_id": "admin-cli",
            "username": "admin", "password": admin_password}  # fmt: skip
    async with httpx.AsyncClient(base_url=f"{KEYCLOAK}/admin/realms/rapport", timeout=30) as kc:
        answer = await kc.post(f"{KEYCLOAK}/realms/master/protocol/openid-connect/token", data=form)
        assert answer.status_code == 200, answer.text
        kc.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        password = (SECRETS / "keycloak.demo_password").read_text().strip()
        credential = {"type": "password", "value": password, "temporary": False}
        user = {"username": username, "enabled": True, "emailVerified": True,
                "email": f"{username}@rapport.invalid", "firstName": role.title(),
                "lastName": site.title(), "attributes": {"sites": [site]},
                "credentials": [credential]}  # fmt: skip
        created = await kc.post("/users", json=user)
        assert created.status_code == 201, created.text
        user_id = created.headers["Location"].rsplit("/", 1)[1]
        realm_role = (await kc.get(f"/roles/{role}")).json()
        granted = await kc.post(f"/users/{user_id}/role-mappings/realm", json=[realm_role])
        assert granted.status_code == 204, granted.text
    return username
