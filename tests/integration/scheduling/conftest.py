"""The scheduling application over the real PostgreSQL, in a fresh schema per test, built as
the service builds it: the reservations projection, the contract check before saving."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest

from services.scheduling import SERVICE, readmodel
from services.scheduling.commands import SchedulingApplication
from services.scheduling.domain import Course
from shared.envelope import Actor, Meta, contract_check
from shared.eventstore import EventStore
from shared.mapping import build_mapper
from tests.conftest import fresh_schema_pool

NOW = datetime(2026, 1, 5, 8, tzinfo=UTC)
META = Meta(actor=Actor(id="therapist-1", role="therapist"), correlation_id="it")


@pytest.fixture
async def scheduling_pool() -> AsyncIterator[asyncpg.Pool]:
    async with fresh_schema_pool("scheduling") as pool:
        async with pool.acquire() as conn:
            await readmodel.ensure_schema(conn)
        yield pool


@pytest.fixture
def scheduling_store(scheduling_pool: asyncpg.Pool) -> EventStore:
    return EventStore(
        scheduling_pool,
        build_mapper(None),
        projection=readmodel.project,
        validate=contract_check(SERVICE),
    )


@pytest.fixture
def scheduling(scheduling_store: EventStore) -> SchedulingApplication:
    return SchedulingApplication(scheduling_store, clock=lambda: NOW)


async def open_course(app: SchedulingApplication, therapist_id: str, site_id: str) -> UUID:
    """A course as intake's allocation opens it."""
    case_id = uuid4()
    meta = META.model_copy(update={"case_id": case_id, "site_id": site_id}).for_event()
    course = Course.open(
        case_id=case_id,
        site_id=site_id,
        therapist_id=therapist_id,
        allocated_on=date(2026, 1, 2),
        meta=meta,
    )
    await app.save("open the course", course)
    return case_id
