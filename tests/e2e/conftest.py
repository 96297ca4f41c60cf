"""E2e tests share the session's stack (tests/conftest.py); each test reads Kafka, the ledger
and the logs from where they stood when it began (tests/support), so none depends on
another's traffic or runs in a fixed order."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.gateway_identity import as_staff
from tests.support.stack import Stack

SCHEDULING_THERAPIST = as_staff("therapist-e2e", "therapist")


@pytest.fixture(scope="module")
async def scheduling_url(stack: Stack) -> str:
    """Scheduling joins the session's stack the first time a test needs it."""
    if "scheduling" not in stack.processes:
        await stack.up("scheduling")
    return stack.url("scheduling")


@pytest.fixture
async def scheduling(scheduling_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=scheduling_url, auth=SCHEDULING_THERAPIST) as client:
        yield client
