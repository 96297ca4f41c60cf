from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.support.stack import STAFF, Stack


@pytest.fixture(scope="session")
async def stack() -> AsyncIterator[Stack]:
    stack = Stack()
    for service in ("intake", "audit"):
        stack.start(service)
    try:
        for service in ("intake", "audit"):
            await stack.wait_ready(service)
        yield stack
    finally:
        stack.stop_all()


@pytest.fixture
async def intake(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.url("intake"), headers=STAFF) as client:
        yield client


@pytest.fixture
async def audit(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.url("audit")) as client:
        yield client
