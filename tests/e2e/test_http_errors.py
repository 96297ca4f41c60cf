"""How the intake service answers when the database is busy or broken (issue 7, faults 8
and 11): 503 with Retry-After, never a 500 that claims nothing was written; an unexpected
error is one log line and an answer that leaves the client's connection usable.

The service runs on a private schema of the intake database (and its own application name),
so the locks and sabotage here touch no one else's data."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest

from tests.conftest import database_url
from tests.support.stack import STAFF, Stack

REFERRAL = {
    "referral_source": "gp",
    "referral_date": "2026-01-05",
    "site_id": "north",
    "client": {"name": "Ada Example"},
}


@dataclass
class PrivateIntake:
    stack: Stack
    admin: asyncpg.Connection
    schema: str
    application: str

    @property
    def url(self) -> str:
        return self.stack.url("intake")


@pytest.fixture
async def private_intake() -> AsyncIterator[PrivateIntake]:
    schema = f"test_{uuid.uuid4().hex[:12]}"
    application = f"rapport-test-{schema}"
    url = database_url("intake")
    admin = await asyncpg.connect(url, server_settings={"search_path": schema})
    await admin.execute(f"CREATE SCHEMA {schema}")
    private = (
        f"{url}{'&' if '?' in url else '?'}search_path={schema}&application_name={application}"
    )
    stack = Stack(env={"INTAKE_DATABASE_URL": private}, port_offset=40)
    try:
        await stack.up("intake")
        yield PrivateIntake(stack, admin, schema, application)
    finally:
        stack.stop_all()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


def client_address(response: httpx.Response) -> object:
    """The client side of the TCP connection that carried the response."""
    return response.extensions["network_stream"].get_extra_info("client_addr")


def new_log_lines(intake: PrivateIntake, start: int) -> list[dict]:
    with open(intake.stack.log("intake"), "rb") as log:
        log.seek(start)
        lines = log.read().decode().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


async def test_an_unexpected_error_is_one_log_line_and_keeps_the_connection_open(
    private_intake: PrivateIntake,
):
    await private_intake.admin.execute("DROP TABLE intake_case_index")  # a broken read model
    start = private_intake.stack.log("intake").stat().st_size
    correlation_id = f"h2-{uuid.uuid4()}"

    async with httpx.AsyncClient(base_url=private_intake.url, auth=STAFF) as client:
        failed = await client.post(
            "/referrals", json=REFERRAL, headers={"X-Correlation-ID": correlation_id}
        )
        first_connection = client_address(failed)
        after = await client.get("/health/live")
        second_connection = client_address(after)

    assert failed.status_code == 500
    assert failed.headers["content-type"] == "application/problem+json"
    assert after.status_code == 200
    assert second_connection == first_connection  # the same keep-alive connection
    await asyncio.sleep(0.5)  # let the log reach the file
    errors = [line for line in new_log_lines(private_intake, start) if line["level"] == "error"]
    assert len(errors) == 1, errors
    assert errors[0]["correlation_id"] == correlation_id


async def test_a_save_that_waits_too_long_for_a_lock_answers_503_with_retry_after(
    private_intake: PrivateIntake,
):
    async with httpx.AsyncClient(base_url=private_intake.url, auth=STAFF) as client:
        async with private_intake.admin.transaction():
            await private_intake.admin.execute("LOCK TABLE stored_events IN EXCLUSIVE MODE")
            busy = await client.post("/referrals", json=REFERRAL, timeout=30)
        later = await client.post("/referrals", json=REFERRAL)

    assert busy.status_code == 503, (busy.status_code, busy.headers, busy.text)
    assert int(busy.headers["Retry-After"]) >= 1
    assert "nothing was saved" in busy.json()["detail"].lower()
    assert later.status_code == 201


async def test_connections_cut_mid_request_answer_503_or_succeed_never_500(
    private_intake: PrivateIntake,
):
    statuses: list[int] = []
    limits = httpx.Limits(max_connections=10)
    async with httpx.AsyncClient(
        base_url=private_intake.url, auth=STAFF, limits=limits, timeout=30
    ) as client:

        async def referrals() -> list[httpx.Response]:
            return [await client.post("/referrals", json=REFERRAL) for _ in range(20)]

        for _ in range(5):
            load = asyncio.gather(*(referrals() for _ in range(10)))
            await asyncio.sleep(0.2)  # mid-load: saves in flight
            await private_intake.admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = $1",
                private_intake.application,
            )
            answers = [a for batch in await load for a in batch]
            statuses += [a.status_code for a in answers]
            assert all(a.headers["Retry-After"] for a in answers if a.status_code == 503)
        after = await client.post("/referrals", json=REFERRAL)

    assert set(statuses) <= {201, 503}, sorted(statuses)
    assert after.status_code == 201
