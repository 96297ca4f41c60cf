"""Which failures are the message's fault (dead-lettered) and which the database's (retried)."""

import asyncpg
import pytest

from shared.consumer import is_transient


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(),
        TimeoutError(),
        asyncpg.CannotConnectNowError("starting up"),
        asyncpg.SerializationError("could not serialize access"),
        asyncpg.DeadlockDetectedError("deadlock"),
        asyncpg.DiskFullError("no space left"),
        asyncpg.AdminShutdownError("terminating connection"),
        asyncpg.InterfaceError("connection is closed"),
    ],
)
def test_database_and_network_faults_are_retried_not_dead_lettered(error):
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad data"),
        KeyError("missing field"),
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.NotNullViolationError("null value"),
        asyncpg.InvalidTextRepresentationError("invalid input syntax"),
    ],
)
def test_faults_of_the_message_itself_are_not_retried_forever(error):
    assert not is_transient(error)
