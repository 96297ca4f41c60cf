"""The forms application over the real PostgreSQL, in a fresh schema per test."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.forms import readmodel
from services.forms.application import FormsApplication
from services.forms.policies import Reactions
from services.forms.queries import FormsQueries
from shared.eventstore import EventStore
from shared.mapping import build_mapper, new_cipher_key
from tests.conftest import fresh_schema_pool


@pytest.fixture
async def forms_pool() -> AsyncIterator[asyncpg.Pool]:
    async with fresh_schema_pool("forms") as pool:
        async with pool.acquire() as conn:
            await readmodel.ensure_schema(conn)
        yield pool


@pytest.fixture
def forms_store(forms_pool: asyncpg.Pool) -> EventStore:
    """As the service builds it: encrypted, with its read models as the projection."""
    return EventStore(forms_pool, build_mapper(new_cipher_key()), projection=readmodel.project)


@pytest.fixture
def forms_app(forms_store: EventStore) -> FormsApplication:
    return FormsApplication(forms_store)


@pytest.fixture
def forms_queries(forms_pool: asyncpg.Pool) -> FormsQueries:
    return FormsQueries(forms_pool)


@pytest.fixture
def reactions(forms_app: FormsApplication) -> Reactions:
    return Reactions(forms_app)
