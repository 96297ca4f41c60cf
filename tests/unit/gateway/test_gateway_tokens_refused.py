"""A bearer token the gateway must refuse, each with 401 and nothing reaching a service:
expired, not yet valid, signed with another key, alg none, HS256 with the provider's public
key as the secret, another audience, another issuer, a tampered payload, no or a malformed
Authorization header."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.unit.gateway.gateway_app import CASE_IN, KID, client, gateway_app

PATH = f"/intake/cases/{CASE_IN}"


@pytest.fixture(scope="module")
def gateway() -> Any:
    return gateway_app()


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged(fakes: Any, how: str) -> str | None:
    good = fakes.token("intake_worker.north", ["intake_worker"], ["north"])
    claims = jwt.decode(good, options={"verify_signature": False})
    now = int(time.time())
    if how == "expired":
        return fakes.token("intake_worker.north", ["intake_worker"], ["north"], exp=now - 120)
    if how == "not yet valid":
        return fakes.token("intake_worker.north", ["intake_worker"], ["north"], nbf=now + 600)
    if how == "another audience":
        return fakes.token("intake_worker.north", ["intake_worker"], ["north"], aud="other-api")
    if how == "another issuer":
        return fakes.token("intake_worker.north", ["intake_worker"], ["north"], iss="https://evil")
    if how == "another key":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(claims, other, algorithm="RS256", headers={"kid": KID})
    if how == "unknown key id":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(claims, other, algorithm="RS256", headers={"kid": "not-listed"})
    if how == "alg none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': KID})}.{_b64(claims)}."
    if how == "HS256 with the public key":
        pem = fakes.idp_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = _b64({"alg": "HS256", "typ": "JWT", "kid": KID})
        body = f"{header}.{_b64(claims)}"
        mac = hmac.new(pem, body.encode(), hashlib.sha256).digest()
        return f"{body}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    if how == "tampered payload":
        header, _, signature = good.split(".")
        return f"{header}.{_b64({**claims, 'roles': ['auditor']})}.{signature}"
    raise ValueError(how)


CASES = ["expired", "not yet valid", "another audience", "another issuer", "another key",
         "unknown key id", "alg none", "HS256 with the public key", "tampered payload"]  # fmt: skip


@pytest.mark.parametrize("how", CASES)
async def test_a_forged_or_stale_token_is_refused_with_401(gateway: Any, how: str):
    app, fakes = gateway
    before = len(fakes.reached)
    async with client(app) as http:
        answer = await http.get(PATH, headers={"Authorization": f"Bearer {forged(fakes, how)}"})
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.headers["content-type"] == "application/problem+json"
    assert len(fakes.reached) == before


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "Token x"]
)
async def test_a_missing_or_malformed_authorization_header_is_refused_with_401(
    gateway: Any, header: str | None
):
    app, _ = gateway
    headers = {} if header is None else {"Authorization": header}
    async with client(app) as http:
        answer = await http.get(PATH, headers=headers)
    assert answer.status_code == 401, answer.text


async def test_the_same_token_unforged_is_accepted(gateway: Any):
    """The refusals above are about the forgery, not about the route or the caller."""
    app, fakes = gateway
    token = fakes.token("intake_worker.north", ["intake_worker"], ["north"])
    async with client(app) as http:
        answer = await http.get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text


async def test_more_requests_than_the_limit_with_one_token_get_429_with_retry_after():
    app, fakes = gateway_app(rate_limit_requests=3, rate_limit_window_seconds=60)
    token = fakes.token("intake_worker.north", ["intake_worker"], ["north"])
    other = fakes.token("intake_worker.north", ["intake_worker"], ["north"])
    async with client(app) as http:
        statuses = [
            (await http.get(PATH, headers={"Authorization": f"Bearer {token}"})).status_code
            for _ in range(4)
        ]
        refused = await http.get(PATH, headers={"Authorization": f"Bearer {token}"})
        fresh = await http.get(PATH, headers={"Authorization": f"Bearer {other}"})
    assert statuses == [200, 200, 200, 429]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert fresh.status_code == 200  # another token has its own allowance
