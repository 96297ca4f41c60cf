"""Web sessions in the gateway's PostgreSQL database (a fresh schema of the real one): a
session opened by one store is found by another over the same database (a restarted or a
second gateway), with its tokens sealed at rest and found by a digest of the cookie; an
idle one is gone, sign-out deletes it, a refresh is seen by all; a sign-in's state is
used once."""

import base64
import hashlib
import os
from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.gateway.web.session_store import Sessions
from services.gateway.web.sessions import COOKIE, PendingLogin, WebSession
from tests.conftest import fresh_schema_pool

SEED = base64.b64encode(os.urandom(32)).decode()


class Browser:
    def __init__(self, sid: str):
        self.cookies = {COOKIE: sid}


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    async with fresh_schema_pool("gateway") as pool:
        yield pool


async def store(pool: asyncpg.Pool, idle: float = 600) -> Sessions:
    sessions = Sessions(pool, SEED, idle)
    await sessions.ensure_schema()
    return sessions


def session() -> WebSession:
    return WebSession("therapist.north", ("therapist",), ("north",), "access-token-1",
                      "refresh-token-1", "id-token-1", 1_900_000_000.0)  # fmt: skip


async def test_a_session_opened_by_one_gateway_is_found_by_another(pool: asyncpg.Pool):
    sid = await (await store(pool)).open(opened := session())
    found = await (await store(pool)).of(Browser(sid))  # type: ignore[arg-type]
    assert found is not None
    assert (found.subject, found.roles, found.sites, found.csrf) == (
        "therapist.north", ("therapist",), ("north",), opened.csrf)  # fmt: skip
    assert (found.access_token, found.refresh_token, found.id_token, found.expires_at) == (
        "access-token-1", "refresh-token-1", "id-token-1", 1_900_000_000.0)  # fmt: skip
    assert await (await store(pool)).of(Browser("guessed")) is None  # type: ignore[arg-type]


async def test_neither_the_cookie_nor_a_token_is_stored_in_the_clear(pool: asyncpg.Pool):
    sid = await (await store(pool)).open(session())
    stored = str([tuple(r) for r in await pool.fetch("SELECT * FROM gateway_web_session")])
    assert sid not in stored and "token-1" not in stored
    other_key = Sessions(pool, base64.b64encode(os.urandom(32)).decode(), 600)
    with pytest.raises(Exception):  # noqa: B017 (sealed under another gateway key)
        await other_key.of(Browser(sid))  # type: ignore[arg-type]


async def test_an_idle_session_is_gone_and_sign_out_deletes_one(pool: asyncpg.Pool):
    sessions = await store(pool, idle=60)
    idle, kept = await sessions.open(session()), await sessions.open(session())
    digest = hashlib.sha256(idle.encode()).hexdigest()
    await pool.execute("UPDATE gateway_web_session SET last_seen = now() - interval '61 s'"
                       " WHERE sid_sha256 = $1", digest)  # fmt: skip
    assert await sessions.of(Browser(idle)) is None  # type: ignore[arg-type]
    assert await sessions.of(Browser(kept)) is not None  # type: ignore[arg-type]
    await sessions.close(Browser(kept))  # type: ignore[arg-type]
    assert await sessions.of(Browser(kept)) is None  # type: ignore[arg-type]
    assert await pool.fetchval("SELECT count(*) FROM gateway_web_session") == 1  # the idle one
    await sessions.open(session())  # a sign-in deletes the idle ones
    assert await pool.fetchval("SELECT count(*) FROM gateway_web_session") == 1


async def test_refreshed_tokens_are_what_every_gateway_finds_next(pool: asyncpg.Pool):
    one, two = await store(pool), await store(pool)
    opened = session()
    sid = await one.open(opened)
    opened.access_token, opened.expires_at = "access-token-2", 1_900_000_300.0
    await one.refreshed(opened)
    found = await two.of(Browser(sid))  # type: ignore[arg-type]
    assert found is not None and (found.access_token, found.expires_at) == (
        "access-token-2", 1_900_000_300.0)  # fmt: skip


async def test_a_sign_in_s_state_is_used_once_by_whichever_gateway(pool: asyncpg.Pool):
    one, two = await store(pool), await store(pool)
    state = await one.start_login(PendingLogin("verifier", "nonce", "/web/risk"))
    assert await two.finish_login(state) == PendingLogin("verifier", "nonce", "/web/risk")
    assert await one.finish_login(state) is None
    old = await one.start_login(PendingLogin("v", "n", "/web/"))
    await pool.execute("UPDATE gateway_web_login SET started = now() - interval '11 min'")
    assert await two.finish_login(old) is None
