"""Fixtures shared by every test tier above unit: the real PostgreSQL and Kafka that
`make test` started (deploy/), reached through the environment in .state/dev.env."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from shared.eventstore import EventStore
from shared.kafka import dead_letter_topic
from shared.mapping import build_mapper, new_cipher_key
from shared.schema import ensure_schema
from tests.support.gateway_identity import AUDITOR
from tests.support.stack import LOGS, STAFF, Stack

KAFKA = os.environ.get("RAPPORT_TEST_KAFKA", "127.0.0.1:9092")


def pytest_sessionstart(session: pytest.Session) -> None:
    """A run's service logs start empty: appended to run after run, they grew without end."""
    for log in LOGS.glob("*.log"):
        log.unlink()


def database_url(service: str) -> str:
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if not url:
        pytest.fail(f"{service.upper()}_DATABASE_URL is not set: run the tests with `make test`")
    return url


@asynccontextmanager
async def fresh_schema_pool(service: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the service's database whose tables live in a fresh schema of their own."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    url = database_url(service)
    admin = await asyncpg.connect(url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    pool = await asyncpg.create_pool(
        url, min_size=2, max_size=20, server_settings={"search_path": schema}
    )
    async with pool.acquire() as conn:
        await ensure_schema(conn)
    try:
        yield pool
    finally:
        await pool.close()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


@pytest.fixture
async def isolated_pool() -> AsyncIterator[asyncpg.Pool]:
    async with fresh_schema_pool("intake") as pool:
        yield pool


@pytest.fixture
async def store(isolated_pool: asyncpg.Pool) -> EventStore:
    return EventStore(isolated_pool, build_mapper(new_cipher_key()))


@pytest.fixture
def kafka() -> str:
    return KAFKA


MADE_TOPICS: list[str] = []  # unique_topic's, deleted with their dead letters when the run ends


def unique_topic(prefix: str = "test") -> str:
    name = f"{prefix}.{uuid.uuid4().hex[:10]}"
    MADE_TOPICS.append(name)
    return name


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A run's topics go with it: kept, thousands of them (6,500 partitions) slowed the one
    broker that every later run, and CI's copy of this machine, share."""
    if MADE_TOPICS:
        asyncio.run(_delete_topics([t for n in MADE_TOPICS for t in (n, dead_letter_topic(n))]))


async def _delete_topics(names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
    try:
        await admin.start()
        existing = set(await admin.list_topics())  # a private cluster's are gone with it
        doomed = [name for name in names if name in existing]
        for start in range(0, len(doomed), 100):
            await admin.delete_topics(doomed[start : start + 100])
    except KafkaError as error:  # tidying up, not a test: the run's result stands
        print(f"\ntopics of this run not deleted: {error!r}")
    finally:
        await admin.close()


# The whole stack as `make run` starts it, once per test session (e2e and fault tiers).
@pytest.fixture(scope="session")
async def stack() -> AsyncIterator[Stack]:
    stack = Stack()
    try:
        await stack.up("intake", "audit")
        yield stack
    finally:
        stack.stop_all()


@pytest.fixture
async def intake(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.url("intake"), auth=STAFF) as client:
        yield client


@pytest.fixture
async def audit(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.url("audit"), auth=AUDITOR) as client:
        yield client
