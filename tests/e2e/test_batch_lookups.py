"""The lookups of many cases at once that the gateway's composed views make (a therapist's
today): intake's `GET /cases?case_id=..` answers each case as `GET /cases/{case_id}` does,
forms' `GET /forms?case_id=..` each case's forms as `GET /cases/{case_id}/forms` does (with
`session_id=..`, only those of the sessions named). Only
the gateway's own identity may ask (a member of staff gets 403, at the service and at the
gateway, which has no role for them); too many ids, none, or one that is not an id is a 422
naming `case_id`."""

import uuid

import httpx
import pytest

from tests.e2e.gateway_support import bearer, with_gateway
from tests.e2e.intake_people import days_ago
from tests.support.gateway_identity import as_staff
from tests.support.stack import Stack

GATEWAY = as_staff("gateway", "gateway")
SUPERVISOR = as_staff("supervisor.north", "supervisor", ("north",))
LOOKUPS = {"intake": "/cases", "forms": "/forms"}


async def referred(intake: httpx.AsyncClient, name: str) -> str:
    body = {"referral_source": "gp", "referral_date": days_ago(3), "site_id": "north",
            "client": {"name": name}}  # fmt: skip
    answer = await intake.post("/referrals", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["case_id"])


def ids(*case_ids: str) -> httpx.QueryParams:
    return httpx.QueryParams([("case_id", case_id) for case_id in case_ids])


async def test_intake_answers_many_cases_as_it_answers_each(
    stack: Stack, intake: httpx.AsyncClient
):
    first, second = await referred(intake, "Ada Batch"), await referred(intake, "Ben Batch")
    unknown = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=stack.url("intake"), auth=GATEWAY) as service:
        answer = await service.get("/cases", params=ids(second, unknown, first, second))
        assert answer.status_code == 200, answer.text
        cases = answer.json()
        assert [c["case_id"] for c in cases] == [second, first]  # as asked, each once
        assert [c["client"]["name"] for c in cases] == ["Ben Batch", "Ada Batch"]
        one = await service.get(f"/cases/{first}")
        assert cases[1] == one.json()


@pytest.mark.parametrize("service", LOOKUPS)
async def test_a_member_of_staff_may_not_look_up_many_cases(stack: Stack, service: str):
    await with_gateway(stack, "forms")
    path = LOOKUPS[service]
    async with httpx.AsyncClient(base_url=stack.url(service), auth=SUPERVISOR) as direct:
        answer = await direct.get(path, params=ids(str(uuid.uuid4())))
    assert answer.status_code == 403 and "gateway" in answer.json()["detail"], answer.text
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:
        for user in ("supervisor.north", "auditor.north"):
            answer = await gateway.get(f"/{service}{path}", params=ids(str(uuid.uuid4())),
                                       headers=await bearer(user))  # fmt: skip
            assert answer.status_code == 403, (user, answer.text)
            assert "gateway.lookup" in answer.json()["detail"], answer.text


@pytest.mark.parametrize("service", LOOKUPS)
@pytest.mark.parametrize(
    "asked",
    [[str(uuid.uuid4()) for _ in range(101)], ["not-a-case"], []],
    ids=["101 ids", "not an id", "no id"],
)
async def test_bad_ids_are_refused_naming_the_parameter(stack: Stack, service: str, asked: list):
    await with_gateway(stack, "forms")
    async with httpx.AsyncClient(base_url=stack.url(service), auth=GATEWAY) as lookup:
        answer = await lookup.get(LOOKUPS[service], params=ids(*asked))
    assert answer.status_code == 422, answer.text
    assert "case_id" in answer.text, answer.text


async def test_a_session_that_is_not_an_id_is_refused_naming_it(stack: Stack):
    await with_gateway(stack, "forms")
    asked = httpx.QueryParams([("case_id", str(uuid.uuid4())), ("session_id", "tuesday")])
    async with httpx.AsyncClient(base_url=stack.url("forms"), auth=GATEWAY) as forms:
        answer = await forms.get("/forms", params=asked)
    assert answer.status_code == 422 and "session_id" in answer.text, answer.text


async def test_forms_of_many_cases_each_as_its_own_list(stack: Stack, intake: httpx.AsyncClient):
    await with_gateway(stack, "forms")
    case_id, unknown = await referred(intake, "Cy Batch"), str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=stack.url("forms"), auth=GATEWAY) as forms:
        answer = await forms.get("/forms", params=ids(unknown, case_id, unknown))
        one = await forms.get(f"/cases/{case_id}/forms")
    assert answer.status_code == 200, answer.text
    assert answer.json() == [{"case_id": unknown, "forms": []},
                             {"case_id": case_id, "forms": one.json()}]  # fmt: skip
