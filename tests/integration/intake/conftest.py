"""The intake application over the real PostgreSQL, in a fresh schema per test."""

import os
from datetime import date

import pytest

from services.intake import idempotency, readmodel
from services.intake.application import IntakeApplication
from services.intake.projections import SEARCH, project
from services.intake.queries import IntakeQueries
from services.intake.search import BlindIndex
from shared.eventstore import EventStore

TODAY = date(2026, 6, 1)


@pytest.fixture
async def intake_store(store: EventStore) -> EventStore:
    """The store as the intake service builds it: with its read models (the case index,
    the search index, idempotency keys) as its projection."""
    async with store.pool.acquire() as conn:
        await readmodel.ensure_schema(conn)
        await SEARCH.ensure_schema(conn)
        await idempotency.ensure_schema(conn)
    SEARCH.blind = SEARCH.blind or BlindIndex(os.urandom(32))
    return EventStore(store.pool, store.mapper, projection=project)


@pytest.fixture
def intake_app(intake_store: EventStore) -> IntakeApplication:
    return IntakeApplication(intake_store)


@pytest.fixture
def queries(intake_store: EventStore) -> IntakeQueries:
    return IntakeQueries(intake_store, today=lambda: TODAY, search=SEARCH)
