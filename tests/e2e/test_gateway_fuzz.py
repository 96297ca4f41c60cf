"""Schemathesis against the gateway's OpenAPI with a valid token, a bounded number of
generated requests per operation: no answer is a 5xx, and every answer matches what the
description says of its status, content type and body."""

import asyncio
import os
import time
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.gateway_support import token_of, with_gateway
from tests.support.stack import Stack

EXAMPLES = int(os.environ.get("RAPPORT_TEST_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip


async def described(gateway: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway) as http:
        for _ in range(60):
            doc = (await http.get("/openapi.json")).json()
            if doc.get("x-complete"):
                return doc  # type: ignore[no-any-return]
            await asyncio.sleep(0.5)
    raise AssertionError("the gateway never described every service")


def fuzz(doc: dict[str, Any], gateway: str, tokens: dict[str, str]) -> list[str]:
    failures: list[str] = []
    schema = schemathesis.openapi.from_dict(doc)
    bearer = {"Authorization": f"Bearer {tokens['token']}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(("/health", "/metrics")):
            continue  # for load balancers and Prometheus, not the staff API

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def examples(case: Any) -> None:
            response = case.call(base_url=gateway, headers=bearer, timeout=30)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:  # a check's verdict: collect all
                failures.append(f"{case.operation.label}: {response.status_code}: {failure}"[:400])

        examples()
    return failures


async def test_fuzzing_the_gateway_gets_no_5xx_and_answers_as_described(stack: Stack):
    await with_gateway(stack, "scheduling", "forms")
    gateway = stack.url("gateway")
    doc = await described(gateway)
    started = time.monotonic()
    tokens = {"token": await token_of("supervisor.north")}  # lives 300 s; the run is shorter
    failures = await asyncio.to_thread(fuzz, doc, gateway, tokens)
    assert failures == [], "\n".join(failures[:20])
    assert time.monotonic() - started < 300, "the token may have expired during the run"
