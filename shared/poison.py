"""Which failures are provably the message's own fault, and so go to the dead letters.

Only three things are: the message does not parse as an envelope, it breaks the contract of
its event type, or the database refuses the data it carries (SQLSTATE class 22, data
exception, or 23, integrity constraint violation) when it is applied alone. Everything else
(a read-only database after a failover, a lock timeout, a bug, an error subclassing
NotTheMessagesFault) would fail any message: the consumer stops and retries instead.
"""

import asyncpg
from pydantic import ValidationError

from shared.contracts import UnknownEventType, contract_for
from shared.envelope import Envelope
from shared.faults import NotTheMessagesFault

MESSAGE_SQLSTATE_CLASSES = {"22", "23"}


def parse(value: bytes | None) -> Envelope:
    """The envelope, its data checked against its event type's contract.

    Raises ValueError (pydantic's ValidationError is one) when the message is at fault. An
    event type or schema version this code does not know is passed on: a newer producer is
    not a bad message, and the handler decides what to do with it."""
    envelope = Envelope.from_kafka(value)
    try:
        contract = contract_for(envelope.type)
    except UnknownEventType:
        return envelope
    if envelope.schema_version == contract.schema_version:
        contract.model_validate(envelope.data)
    return envelope


def is_the_messages_fault(error: BaseException) -> bool:
    if isinstance(error, NotTheMessagesFault):
        return False
    if isinstance(error, ValidationError):
        return True
    if isinstance(error, asyncpg.PostgresError):
        return sqlstate(error)[:2] in MESSAGE_SQLSTATE_CLASSES
    return False


def sqlstate(error: BaseException) -> str:
    return getattr(error, "sqlstate", None) or ""


def describe(error: BaseException) -> str:
    """What went wrong, with the SQLSTATE when the database said it, for logs and headers."""
    code = sqlstate(error)
    return f"SQLSTATE {code}: {error!r}" if code else repr(error)
