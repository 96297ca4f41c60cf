"""Connections to a service's database: a broken connection is never handed out again, and
a failure says what it means for the data, nothing written or perhaps written.

A server that answers with an error has rolled the transaction back. A connection lost (or
a client timeout) while a commit was in flight leaves its fate unknown: only that case may
say "perhaps"."""

from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

import asyncpg
import structlog

from shared.faults import NotTheMessagesFault

log = structlog.get_logger()
T = TypeVar("T")
ACQUIRE_TIMEOUT = 10.0  # seconds a command waits for a free connection before "busy"

# The server refused or rolled back the work because it is busy or not ready: lock timeout,
# query cancelled (statement timeout), serialisation failure, deadlock, starting up.
BUSY_SQLSTATES = {"55P03", "57014", "40001", "40P01", "57P03"}
BUSY_SQLSTATE_CLASSES = {"53", "58"}  # insufficient resources (too many connections), system
# The server went away: connection exceptions, shut down by an administrator or a crash.
LOST_SQLSTATE_CLASSES = {"08", "57"}


class DatabaseUnavailable(NotTheMessagesFault):
    """The database could not take the work now; nothing of it was written. Retry later."""


class OutcomeUnknown(NotTheMessagesFault):
    """The connection was lost while a commit was in flight: it may or may not have landed."""


def connection_lost(error: BaseException) -> bool:
    """The connection cannot be trusted any more (it may be mid-operation)."""
    if isinstance(error, asyncpg.InterfaceError | asyncpg.InternalClientError | OSError):
        return True
    if isinstance(error, TimeoutError):  # a client-side timeout leaves a query in flight
        return True
    sqlstate = _sqlstate(error)
    return sqlstate[:2] in LOST_SQLSTATE_CLASSES and sqlstate not in BUSY_SQLSTATES


def busy(error: BaseException) -> bool:
    """The server refused the work for now and rolled it back."""
    sqlstate = _sqlstate(error)
    return sqlstate in BUSY_SQLSTATES or sqlstate[:2] in BUSY_SQLSTATE_CLASSES


def database_fault(error: BaseException) -> bool:
    """A fault of the database or the way to it, not of the data written."""
    return isinstance(error, NotTheMessagesFault) or connection_lost(error) or busy(error)


def _sqlstate(error: BaseException) -> str:
    if isinstance(error, asyncpg.PostgresError):
        return getattr(error, "sqlstate", None) or ""
    return ""


@asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, terminated instead of reused if it broke while lent."""
    try:
        conn = await pool.acquire(timeout=ACQUIRE_TIMEOUT)
    except Exception as error:
        if database_fault(error):
            raise DatabaseUnavailable(f"no database connection: {error!r}") from error
        raise
    try:
        yield conn
    except BaseException as error:
        if not isinstance(error, Exception) or connection_lost(error) or _lost(error):
            discard(conn)  # cancelled mid-query, or broken: the pool opens a fresh one
        raise
    finally:
        try:
            await pool.release(conn)
        except Exception as error:  # asyncpg terminated it; what happened before stands
            log.info("db.broken_connection_discarded", error=repr(error))


def discard(conn: asyncpg.Connection) -> None:
    """Close a connection that may be mid-operation, so it is never handed out again."""
    try:
        conn.terminate()
    except asyncpg.InterfaceError:  # the pool took it back when the server closed it
        pass


def _lost(error: BaseException) -> bool:
    return isinstance(error, DatabaseUnavailable | OutcomeUnknown) and connection_lost(
        error.__cause__ or error
    )


async def committing(work: Awaitable[T]) -> T:
    """Await a commit (or an autocommitted statement), saying when its fate is unknown."""
    try:
        return await work
    except Exception as error:
        if connection_lost(error):
            raise OutcomeUnknown(f"connection lost during commit: {error!r}") from error
        raise


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection in a transaction that commits when the block ends without error.

    A connection lost before the commit: DatabaseUnavailable (nothing was written); during
    it: OutcomeUnknown. A broken connection is terminated, never rolled back and reused."""
    async with acquire(pool) as conn:
        tx = conn.transaction()
        try:
            await tx.start()
        except Exception as error:
            raise _unavailable(error) from error
        try:
            yield conn
        except Exception as error:
            if connection_lost(error):
                discard(conn)  # the server rolls back what it had
                raise _unavailable(error) from error
            await _roll_back(conn, tx)
            raise
        except BaseException:  # cancelled mid-query: the connection's state is unknown
            discard(conn)
            raise
        await committing(tx.commit())


async def _roll_back(conn: asyncpg.Connection, tx: asyncpg.transaction.Transaction) -> None:
    try:
        await tx.rollback()
    except Exception:  # keep the error that made us roll back; drop the connection
        discard(conn)


def _unavailable(error: Exception) -> Exception:
    if connection_lost(error):
        return DatabaseUnavailable(f"database connection lost: {error!r}")
    return error
