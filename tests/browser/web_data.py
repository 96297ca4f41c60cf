"""What the browser tests find in the app, made through the gateway's staff API with real
Keycloak tokens: a case at site north of the test's own new therapist (conftest.py), whose
course of two sessions began on the last weekday before now (planned straight at scheduling
with its test clock, as a plan may only start in the future), and a pre-session form
returned with PHQ-9 item 9 answered, which raises a risk flag."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.e2e.forms.steps import answers, eventually
from tests.e2e.gateway_support import bearer
from tests.e2e.test_gateway_reads_in_the_ledger import allocated_case, ok
from tests.support.gateway_identity import as_staff
from tests.support.stack import Stack

LONDON = ZoneInfo("Europe/London")


def last_weekdays(count: int = 5) -> list[date]:
    day, found = datetime.now(LONDON).date(), []
    while len(found) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return found


async def plan_in_the_past(stack: Stack, therapist: str, case_id: str) -> dict[str, Any]:
    """Session 1 at 10:00 on the last weekday the site is open (a bank holiday is not)."""
    staff = as_staff(therapist, "therapist", ("north",))
    async with httpx.AsyncClient(base_url=stack.url("scheduling"), auth=staff) as scheduling:
        await eventually(lambda: _course(scheduling, case_id), seconds=60)
        for day in last_weekdays():
            clock = datetime.combine(day, time(7), LONDON)
            plan = {"first_date": day.isoformat(), "local_time": "10:00", "mode": "video",
                    "sessions": 2}  # fmt: skip
            answer = await scheduling.post(
                f"/cases/{case_id}/course/plan", json=plan, headers={"X-Clock": clock.isoformat()}
            )
            if answer.status_code == 200:
                return answer.json()  # type: ignore[no-any-return]
    raise AssertionError(f"no weekday for {case_id}'s course: {answer.text}")


async def _course(scheduling: httpx.AsyncClient, case_id: str) -> bool:
    return (await scheduling.get(f"/cases/{case_id}/course")).status_code == 200


async def returned_form_with_a_flag(
    gateway: httpx.AsyncClient, therapist: str, case_id: str
) -> dict[str, Any]:
    headers = await bearer(therapist)

    async def issued() -> list[dict[str, Any]] | None:
        answer = await gateway.get(f"/forms/cases/{case_id}/forms", headers=headers)
        forms = answer.json() if answer.status_code == 200 else []
        return forms if len(forms) >= 2 else None

    forms = await eventually(issued, seconds=60)
    for form in sorted(forms, key=lambda f: f["session_number"] or 99):
        answer = await gateway.post(
            f"/forms/forms/{form['form_id']}/responses",
            json={"responses": answers(item9=1)},
            headers=headers,
        )
        if answer.status_code == 201:
            return form
    raise AssertionError(f"no form of {case_id} took a response: {answer.text}")


async def case_in_therapy(
    stack: Stack, therapist: str
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(case id, its course, the form that came back with a risk flag)."""
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:
        case_id = await allocated_case(gateway, therapist)
        course = await plan_in_the_past(stack, therapist, case_id)
        form = await returned_form_with_a_flag(gateway, therapist, case_id)
        supervisor = await bearer("supervisor.north")

        async def flagged() -> bool:
            answer = await gateway.get("/forms/sites/north/risk-flags", headers=supervisor)
            return any(f["case_id"] == case_id for f in await ok(answer))

        await eventually(flagged, seconds=30)
    return case_id, course, form
