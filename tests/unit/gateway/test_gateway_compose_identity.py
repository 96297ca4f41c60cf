"""docker-compose.yml's gateway has an identity provider: the official Keycloak image in
development mode with the realm of deploy/keycloak/ imported, its demo users written at
start-up with the password the user sets (compose refuses to start without it), and the
gateway's issuer and keys pointed at it. No Docker engine runs here: the file is read."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from deploy import generate

ROOT = Path(__file__).resolve().parents[3]
REALM = ROOT / "deploy" / "keycloak" / "realm.py"


def compose() -> dict[str, Any]:
    return yaml.safe_load(generate.COMPOSE.read_text())["services"]  # type: ignore[no-any-return]


def test_keycloak_runs_in_development_mode_with_the_realm_imported():
    keycloak = compose()["keycloak"]
    assert keycloak["image"] == "quay.io/keycloak/keycloak:26.4.7"
    assert keycloak["command"][:2] == ["start-dev", "--import-realm"]
    assert "keycloak-realm:/opt/keycloak/data/import:ro" in keycloak["volumes"]
    assert keycloak["depends_on"] == {
        "keycloak-realm": {"condition": "service_completed_successfully"}
    }
    assert keycloak["healthcheck"]["test"][:2] == ["CMD", "bash"]


def test_the_demo_password_comes_from_the_environment_and_is_required():
    writer = compose()["keycloak-realm"]
    required = writer["environment"]["KEYCLOAK_DEMO_PASSWORD"]
    assert re.fullmatch(r"\$\{KEYCLOAK_DEMO_PASSWORD:\?set KEYCLOAK_DEMO_PASSWORD[^}]*\}", required)
    script = writer["command"][-1]
    assert "printenv KEYCLOAK_DEMO_PASSWORD" in script and "/realm-source/realm.py" in script
    assert "./deploy/keycloak:/realm-source:ro" in writer["volumes"]


def test_the_gateway_trusts_that_keycloak_and_waits_for_it():
    services = compose()
    gateway, keycloak = services["gateway"], services["keycloak"]
    env = gateway["environment"]
    assert env["GATEWAY_OIDC_ISSUER"] == keycloak["environment"]["KC_HOSTNAME"] + "/realms/rapport"
    inside = "http://keycloak:8080/realms/rapport"
    assert env["GATEWAY_OIDC_JWKS_URL"] == f"{inside}/protocol/openid-connect/certs"
    assert env["GATEWAY_OIDC_DISCOVERY_URL"] == f"{inside}/.well-known/openid-configuration"
    assert keycloak["ports"] == ["127.0.0.1:8180:8080"]
    assert gateway["depends_on"]["keycloak"] == {"condition": "service_healthy"}
    assert "postgres" in gateway["depends_on"]  # and still what every service waits for
    for name in ("intake", "scheduling", "forms", "audit"):
        assert env[f"GATEWAY_{name.upper()}_URL"].startswith(f"http://{name}:")


def test_the_realm_writer_takes_the_password_on_its_input_and_refuses_none(tmp_path: Path):
    out = tmp_path / "realm.json"
    written = subprocess.run([sys.executable, REALM, "/dev/stdin", out], input="s3cret-demo",
                             text=True, capture_output=True)  # fmt: skip
    assert written.returncode == 0, written.stderr
    users = yaml.safe_load(out.read_text())["users"]
    assert {u["credentials"][0]["value"] for u in users} == {"s3cret-demo"}
    assert "therapist.north" in {u["username"] for u in users}
    empty = subprocess.run([sys.executable, REALM, "/dev/stdin", tmp_path / "none.json"],
                           input="\n", text=True, capture_output=True)  # fmt: skip
    assert empty.returncode != 0 and "KEYCLOAK_DEMO_PASSWORD" in empty.stderr
    assert not (tmp_path / "none.json").exists()


async def test_without_a_jwks_address_the_gateway_reads_the_discovery_document_it_is_given():
    import httpx

    from services.gateway.settings import GatewaySettings
    from services.gateway.tokens import TokenValidator

    asked: list[str] = []

    def provider(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(200, json={"jwks_uri": "http://keycloak:8080/certs"})
        return httpx.Response(200, json={"keys": []})

    discovery = "http://keycloak:8080/r/.well-known/openid-configuration"
    settings = GatewaySettings(database_url="postgresql://unused@127.0.0.1/unused",
                               assertion_key="A" * 43 + "=", oidc_issuer="http://localhost:8180/r",
                               oidc_discovery_url=discovery)  # fmt: skip
    validator = TokenValidator(settings, httpx.AsyncClient(transport=httpx.MockTransport(provider)))
    await validator._refresh()
    assert asked == [discovery, "http://keycloak:8080/certs"]
