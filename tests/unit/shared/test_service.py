"""A service built from a short description (shared/service.py): its errors become problem
details with the status the description gives, and readiness means "can serve commands now"
while degraded background work is named, not a 503."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from shared.eventstore import AggregateNotFound, ConcurrencyConflict
from shared.runtime import Runtime
from shared.service import Context, Service
from shared.settings import ServiceSettings
from tests.support.gateway_identity import as_staff


class BookingError(Exception):
    pass


class SlotTaken(BookingError):
    pass


class BadSlot(BookingError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


router = APIRouter()
RAISED: dict[str, Exception] = {
    "taken": SlotTaken("the slot is taken"),
    "other": BookingError("something else"),
    "bad": BadSlot("starts_at", "must be in the future"),
    "conflict": ConcurrencyConflict("saved meanwhile"),
    "missing": AggregateNotFound(uuid.uuid4()),
}


@router.post("/raise/{what}")
async def raise_it(what: str) -> None:
    raise RAISED[what]


class DemoSettings(ServiceSettings):
    port: int = 0


DEMO = Service(
    name="intake",  # any name the registry knows: nothing here opens its runtime
    settings=DemoSettings,
    routers=[router],
    errors={BookingError: 400, SlotTaken: 409, BadSlot: 422},
)


class Database:
    """Answers `SELECT 1` while up, fails like a restarting PostgreSQL while down."""

    up = True

    async def fetchval(self, query: str, **options: Any) -> int:
        if not self.up:
            raise ConnectionRefusedError("the database is restarting")
        return 1

    async def close(self) -> None:
        pass


class BrokerDown:
    def health(self) -> dict[str, Any]:
        return {"ok": False, "state": "broker_unreachable", "lag": 1364}


@dataclass
class Demo:
    client: httpx.AsyncClient
    runtime: Runtime
    database: Database
    app: FastAPI


@pytest.fixture
async def service() -> AsyncIterator[Demo]:
    app = DEMO.app(DemoSettings(database_url="postgresql://unused/demo", environment="test"))
    database = Database()
    runtime = Runtime(settings=None, pool=database, store=None, restart_delays=(0.01,))  # type: ignore[arg-type]
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    staff = as_staff("demo-user", "tester")  # as the gateway vouches for a caller
    async with httpx.AsyncClient(transport=transport, base_url="http://demo", auth=staff) as client:
        yield Demo(client, runtime, database, app)
    await runtime.close()


async def forever() -> None:
    await asyncio.Event().wait()


@pytest.mark.parametrize(
    ("what", "status", "title"),
    [
        ("taken", 409, "Slot taken"),
        ("other", 400, "Booking error"),
        ("conflict", 409, "Concurrent change"),
        ("missing", 404, "Aggregate not found"),
    ],
)
async def test_errors_become_problem_details_with_the_status_of_their_most_specific_class(
    service, what, status, title
):
    client = service.client
    response = await client.post(f"/raise/{what}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == title


async def test_an_error_naming_a_field_is_bad_input_naming_that_field(service):
    client = service.client
    response = await client.post("/raise/bad")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "body.starts_at", "message": "must be in the future"}
    ]


async def test_ready_while_the_database_answers_even_with_the_broker_unreachable(service):
    client, runtime = service.client, service.runtime
    runtime.start("relay", forever, component=BrokerDown())
    response = await client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["degraded"] == ["relay"]
    assert body["components"]["relay"]["state"] == "broker_unreachable"
    assert body["components"]["relay"]["lag"] == 1364


async def test_not_ready_while_the_database_is_down_and_ready_the_moment_it_is_back(service):
    client, database = service.client, service.database
    database.up = False
    down = await client.get("/health/ready")
    database.up = True
    back = await client.get("/health/ready")
    assert down.status_code == 503 and down.json()["checks"]["database"] is False
    assert back.status_code == 200


async def test_background_work_running_again_after_a_failure_is_not_reported_as_failing(service):
    client, runtime = service.client, service.runtime
    attempts, running_again = [], asyncio.Event()

    async def fails_once() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("database restarting")
        running_again.set()
        await forever()

    runtime.start("consumer", fails_once)
    await asyncio.wait_for(running_again.wait(), timeout=5)
    body = (await client.get("/health/ready")).json()
    assert body["degraded"] == []
    assert body["components"]["consumer"]["state"] == "running"
    assert body["components"]["consumer"]["restarts"] == 1


async def test_metrics_name_the_degraded_component_in_the_prometheus_format(service):
    client, runtime = service.client, service.runtime
    runtime.start("relay", forever, component=BrokerDown())
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'rapport_component_ok{component="relay"} 0.0' in response.text
    assert 'rapport_component_state{component="relay",state="broker_unreachable"} 1.0' in (
        response.text
    )
    assert "rapport_database_reachable 1.0" in response.text


class Relay:
    """Knows its backlog only when asked to refresh it, as the outbox relay does."""

    lag = 0

    def health(self) -> dict[str, Any]:
        return {"ok": False, "state": "broker_unreachable", "lag": self.lag}

    async def refresh_metrics(self) -> None:
        self.lag += 100


async def test_the_health_body_shows_the_relays_backlog_as_of_now(service):
    client, runtime = service.client, service.runtime
    relay = Relay()
    app = service.app
    app.state.context = Context(app, None, runtime, None)
    app.state.context.on_scrape(relay.refresh_metrics)
    runtime.start("relay", forever, component=relay)

    first = (await client.get("/health/ready")).json()["components"]["relay"]["lag"]
    second = (await client.get("/health/ready")).json()["components"]["relay"]["lag"]
    assert (first, second) == (100, 200)


class Stopped:
    def health(self) -> dict[str, Any]:
        return {"ok": False, "state": "stopped", "error": "position past the partition's end"}


async def test_work_that_ended_is_reported_in_its_own_words(service):
    client, runtime = service.client, service.runtime

    async def ends() -> None:
        return None

    runtime.start("consumer", ends, component=Stopped())
    await runtime.tasks["consumer"]
    body = (await client.get("/health/ready")).json()
    assert body["components"]["consumer"]["state"] == "stopped"
    assert body["degraded"] == ["consumer"] and body["ready"] is True
