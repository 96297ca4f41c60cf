"""What a client is told when the database is busy or gone (issue 7, fault 8): 503 with
Retry-After, "nothing was saved" only when that is known, never a 500."""

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from shared.db import DatabaseUnavailable, OutcomeUnknown
from shared.http import add_common_routes

NOT_SAVED = "nothing was saved"
MAYBE = "may or may not have been saved"


async def not_ready() -> dict:
    return {"ready": False}


def app_raising(error: Exception) -> FastAPI:
    app = FastAPI()

    @app.post("/command")
    async def command() -> None:
        raise error

    @app.get("/query")
    async def query() -> None:
        raise error

    add_common_routes(app, not_ready, 1024)
    return app


async def answer(error: Exception, method: str = "POST") -> httpx.Response:
    transport = httpx.ASGITransport(app=app_raising(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, "/command" if method == "POST" else "/query")


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.LockNotAvailableError("canceling statement due to lock timeout"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.DeadlockDetectedError("deadlock detected"),
        DatabaseUnavailable("no database connection: TimeoutError()"),
    ],
    ids=type,
)
async def test_a_busy_database_answers_503_saying_nothing_was_saved(error: Exception):
    response = await answer(error)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert NOT_SAVED in response.json()["detail"]


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.InterfaceError("cannot perform operation: connection is closed"),
        asyncpg.InternalClientError("cannot switch to state 15; another operation is in progress"),
        ConnectionResetError("Connection reset by peer"),
        OutcomeUnknown("connection lost during commit"),
    ],
    ids=type,
)
async def test_a_connection_lost_mid_command_answers_503_saying_it_may_have_been_saved(
    error: Exception,
):
    response = await answer(error)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert MAYBE in response.json()["detail"]
    assert NOT_SAVED not in response.json()["detail"]


async def test_a_connection_lost_during_a_query_answers_503_without_talk_of_saving():
    response = await answer(asyncpg.ConnectionDoesNotExistError("closed"), method="GET")
    assert response.status_code == 503
    assert "saved" not in response.json()["detail"]


async def test_an_unexpected_error_answers_500_as_a_problem():
    response = await answer(RuntimeError("a bug"))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
