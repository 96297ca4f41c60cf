"""A token is checked in full once, then its claims are remembered by the whole token's
text until it expires: the same token again is not verified again, a token one byte
different is, an expired one is refused, and a key the provider stops listing vouches for
none of the tokens it signed."""

import asyncio
import json
import time
from typing import Any

import httpx
import jwt

from services.gateway.tokens import Principal, TokenValidator, Validated
from tests.unit.gateway.gateway_app import KID, client, gateway_app


class Counting(TokenValidator):
    def __init__(self, validator: TokenValidator):
        super().__init__(validator.settings, validator.http)
        self.checked = 0

    async def _validate(self, token: str) -> Validated:
        self.checked += 1
        return await super()._validate(token)


def counting_gateway(**settings: Any) -> tuple[Any, Any, Counting]:
    app, fakes = gateway_app(**settings)
    app.state.tokens = Counting(app.state.tokens)
    return app, fakes, app.state.tokens


async def status(app: Any, token: str) -> int:
    async with client(app) as http:
        answer = await http.get(
            "/forms/questionnaires", headers={"Authorization": f"Bearer {token}"}
        )
    return answer.status_code


async def test_the_same_token_again_is_not_verified_again():
    app, fakes, tokens = counting_gateway()
    token = fakes.token("therapist.north", ["therapist"], ["north"])
    assert [await status(app, token) for _ in range(3)] == [200, 200, 200]
    assert tokens.checked == 1


async def test_a_token_one_byte_different_is_verified_and_refused():
    app, fakes, tokens = counting_gateway()
    token = fakes.token("therapist.north", ["therapist"], ["north"])
    assert await status(app, token) == 200
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert await status(app, f"{header}.{payload}.{flipped}") == 401
    assert tokens.checked == 2


async def test_a_remembered_token_is_refused_once_it_expires():
    app, fakes, tokens = counting_gateway(oidc_leeway_seconds=0)
    # Two seconds of life at least: on a busy machine one could be over before the first call.
    expires = int(time.time()) + 3
    token = fakes.token("therapist.north", ["therapist"], ["north"], exp=expires)
    assert await status(app, token) == 200
    await asyncio.sleep(max(0.0, expires + 1 - time.time()))  # past its exp
    assert await status(app, token) == 401
    assert tokens.checked == 2  # remembered, then found expired and checked again


async def test_a_key_the_provider_stops_listing_vouches_for_no_remembered_token():
    app, fakes, tokens = counting_gateway()
    token = fakes.token("therapist.north", ["therapist"], ["north"])
    assert await status(app, token) == 200
    other = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(fakes.idp_key.public_key()))
    rotated = {"keys": [{**other, "kid": "next-key", "use": "sig", "alg": "RS256"}]}
    tokens.http = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=rotated))
    )
    tokens.fetched_at = 0.0  # as if the last fetch were long ago
    await tokens._refresh()
    assert await status(app, token) == 401


def test_the_cache_is_bounded_and_forgets_expired_tokens_first(monkeypatch: Any):
    from services.gateway import tokens as module

    monkeypatch.setattr(module, "CACHED_TOKENS", 3)
    validator = TokenValidator(gateway_app()[0].state.tokens.settings, httpx.AsyncClient())
    now = time.time()
    who = Principal("s", ("therapist",), ("north",), "t")
    for name, ends in (("a", now + 60), ("old", now - 1), ("b", now + 60), ("c", now + 60)):
        validator._remember(name, Validated(who, KID, now - 5, ends))
    assert set(validator.validated) == {"a", "b", "c"}
    validator._remember("d", Validated(who, KID, now - 5, now + 60))
    assert set(validator.validated) == {"b", "c", "d"}
