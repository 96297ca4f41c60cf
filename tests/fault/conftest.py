"""Fixtures of the fault tier: private PostgreSQL and Kafka clusters (once per session,
removed at its end) and, per test, fresh databases on them with a stack of services."""

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.fault import private
from tests.support.stack import Stack


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[str]:
    """The admin URL of a private PostgreSQL cluster that a test may restart."""
    private.postgres("clean")  # a killed run's leftovers: every session starts empty
    try:
        private.postgres("up")
        yield private.postgres("url")
    finally:
        private.postgres("clean")


@pytest.fixture(scope="session")
def private_kafka() -> Iterator[str]:
    """The bootstrap of a private three-broker Kafka cluster that a test may kill nodes of.
    Emptied first: a fresh audit reads its topics from the beginning, and a killed run's
    leftover events (CI once found some twenty thousand) kept it busy past the tests' waits."""
    private.kafka_cluster("clean")
    try:
        private.kafka_cluster("up")
        yield private.bootstrap()
    finally:
        private.kafka_cluster("clean")


@pytest.fixture
async def isolated(private_postgres: str, private_kafka: str) -> AsyncIterator[Stack]:
    """A stack (not started) whose intake and audit use fresh databases of the private
    PostgreSQL and the private Kafka cluster, with every broker up; stopped afterwards."""
    private.postgres("up")  # a test before may have left a server down
    private.kafka_cluster("up")
    async with private.fresh_databases(private_postgres, "intake", "audit") as databases:
        stack = private.private_stack(databases, private_kafka)
        try:
            yield stack
        finally:
            stack.stop_all()
