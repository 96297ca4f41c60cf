"""Which failures are the message's fault (dead-lettered) and which are not (retried)."""

import asyncpg
import pytest
from pydantic import BaseModel, ValidationError

from shared.faults import NotTheMessagesFault
from shared.poison import is_the_messages_fault


class Contract(BaseModel):
    by: int


def contract_failure() -> ValidationError:
    try:
        Contract.model_validate({"by": "many"})
    except ValidationError as error:
        return error
    raise AssertionError("the contract accepted bad data")


class LedgerLooksCorrupt(NotTheMessagesFault):
    pass


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
        asyncpg.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),
        asyncpg.LockNotAvailableError("canceling statement due to lock timeout"),
        ValueError("a bug in the handler"),
        KeyError("missing field"),
        LedgerLooksCorrupt("storage does not hold what was written"),
    ],
)
def test_faults_that_are_not_the_messages_are_retried_never_dead_lettered(error):
    assert not is_the_messages_fault(error)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.NotNullViolationError("null value"),
        asyncpg.CheckViolationError("violates check constraint"),
        asyncpg.InvalidTextRepresentationError("invalid input syntax"),
        asyncpg.CharacterNotInRepertoireError("invalid byte sequence"),
        contract_failure(),
    ],
)
def test_a_message_whose_data_is_refused_goes_to_the_dead_letters(error):
    assert is_the_messages_fault(error)
