"""The forms service, started beside the session's stack (intake, audit) on its test port."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.e2e.forms.steps import CLINICIAN
from tests.support.gateway_identity import as_staff
from tests.support.stack import Stack


@pytest.fixture
async def forms(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    if "forms" not in stack.processes:
        stack.start("forms")
        await stack.wait_ready("forms")
    async with httpx.AsyncClient(base_url=stack.url("forms"), auth=CLINICIAN) as client:
        yield client


@pytest.fixture
async def scheduling(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    if "scheduling" not in stack.processes:
        await stack.up("scheduling")
    therapist = as_staff("therapist-e2e", "therapist")
    async with httpx.AsyncClient(base_url=stack.url("scheduling"), auth=therapist) as client:
        yield client
