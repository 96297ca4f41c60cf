"""The intake application over the real PostgreSQL, in a fresh schema per test."""

from datetime import date

import pytest

from services.intake import readmodel
from services.intake.application import IntakeApplication
from services.intake.queries import IntakeQueries
from shared.eventstore import EventStore

TODAY = date(2026, 6, 1)


@pytest.fixture
async def intake_store(store: EventStore) -> EventStore:
    """The store as the intake service builds it: with the case index as its projection."""
    async with store.pool.acquire() as conn:
        await readmodel.ensure_schema(conn)
    return EventStore(store.pool, store.mapper, projection=readmodel.project)


@pytest.fixture
def intake_app(intake_store: EventStore) -> IntakeApplication:
    return IntakeApplication(intake_store)


@pytest.fixture
def queries(intake_store: EventStore) -> IntakeQueries:
    return IntakeQueries(intake_store, today=lambda: TODAY)
