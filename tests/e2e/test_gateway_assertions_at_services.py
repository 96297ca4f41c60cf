"""Services trust only the gateway: a request straight to a service with an identity
assertion signed by another key, expired, living too long, or made for another request is
refused with 401, as is one that adds X-Actor-* headers of its own; the same request with
the gateway's valid assertion is served."""

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import identity
from tests.support.gateway_identity import AsStaff, gateway_key
from tests.support.stack import Stack


def claims(path: str, method: str = "GET", **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": identity.ISSUER, "aud": identity.AUDIENCE, "sub": "intake.worker",
            "role": "intake_worker", "roles": ["intake_worker"], "sites": ["north"],
            "cid": "test", "htm": method, "htu": path, "iat": now, "nbf": now,
            "exp": now + 60, **changes}  # fmt: skip


def signed(body: dict[str, Any], key: Ed25519PrivateKey | None = None) -> dict[str, str]:
    token = jwt.encode(body, key or gateway_key(), algorithm="EdDSA")
    return {identity.ASSERTION_HEADER: token}


# A site of this run's own: the demo sites' lists hold whatever earlier runs left.
PATH = f"/sites/assertions-{uuid.uuid4().hex[:6]}/waiting-list"
NOW = int(time.time())
REFUSED = {
    "another key": lambda: signed(claims(PATH), Ed25519PrivateKey.generate()),
    "expired": lambda: signed(claims(PATH, iat=NOW - 300, nbf=NOW - 300, exp=NOW - 240)),
    "living too long": lambda: signed(claims(PATH, exp=NOW + 3600)),
    "another path": lambda: signed(claims(f"/sites/{uuid.uuid4().hex}/waiting-list")),
    "another method": lambda: signed(claims(PATH, method="POST")),
    "another audience": lambda: signed(claims(PATH, aud="someone-else")),
    "not an assertion": lambda: {identity.ASSERTION_HEADER: "not.a.token"},
    "with X-Actor headers too": lambda: {
        **signed(claims(PATH)),
        "X-Actor-Id": "boss",
        "X-Actor-Role": "admin",
    },
}


@pytest.mark.parametrize("how", REFUSED)
async def test_a_service_refuses_an_assertion_the_gateway_did_not_make_for_it(
    stack: Stack, how: str
):
    async with httpx.AsyncClient(base_url=stack.url("intake")) as intake:
        answer = await intake.get(PATH, headers=REFUSED[how]())
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


async def test_a_service_serves_the_same_request_with_the_gateway_s_assertion(stack: Stack):
    async with httpx.AsyncClient(base_url=stack.url("intake")) as intake:
        answer = await intake.get(PATH, headers=signed(claims(PATH)))
        also = await intake.get(PATH, auth=AsStaff("intake.worker", "intake_worker"))
    assert (answer.status_code, also.status_code) == (200, 200), answer.text


FORGED = {"X-Actor-Id": "boss", "X-Actor-Role": "auditor"}
STRAIGHT = [("intake", "/sites/north/waiting-list"), ("scheduling", "/sites/north"),
            ("forms", "/sites/north/risk-flags"), ("audit", "/checkpoints/latest")]  # fmt: skip


@pytest.mark.parametrize(("service", "path"), STRAIGHT)
async def test_a_request_straight_to_a_service_with_forged_actor_headers_is_refused(
    stack: Stack, service: str, path: str
):
    if service not in stack.processes:
        await stack.up(service)
    async with httpx.AsyncClient(base_url=stack.url(service)) as straight:
        forged = await straight.get(path, headers=FORGED)
        bare = await straight.get(path)
    assert (forged.status_code, bare.status_code) == (401, 401), forged.text
    assert identity.ASSERTION_HEADER in forged.json()["detail"]
