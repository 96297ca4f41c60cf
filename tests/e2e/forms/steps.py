"""Steps of the forms e2e tests: a session booked in scheduling (its event published to
scheduling.events as the scheduling service publishes it), and the link the booking issues."""

import asyncio
from typing import Any

import httpx

from tests.conftest import KAFKA
from tests.integration.forms.scheduling_events import Course, in_days, publish
from tests.support.gateway_identity import as_staff

CLINICIAN = as_staff("duty-e2e", "duty_clinician")


async def eventually(probe, seconds: float = 30):  # type: ignore[no-untyped-def]
    """The probe's first truthy answer, polled every 100 ms."""
    for _ in range(int(seconds * 10)):
        if found := await probe():
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"nothing within {seconds}s")


async def booked_form(forms: httpx.AsyncClient, days: float = 3) -> tuple[Course, dict[str, Any]]:
    """A session booked in scheduling: the form it issues, as the therapist sees it."""
    course = Course()
    await publish(KAFKA, course.booked(1, in_days(days)))

    async def issued():  # type: ignore[no-untyped-def]
        listed = (await forms.get(f"/cases/{course.case_id}/forms")).json()
        return listed[0] if listed else None

    return course, await eventually(issued)


async def client_link(forms: httpx.AsyncClient, form_id: str) -> str:
    """The path of the client's link (the staff app sends it by text or email)."""
    url = (await forms.get(f"/forms/{form_id}/link")).json()["url"]
    return "/f/" + url.rsplit("/f/", 1)[1]


def answers(item9: int = 0, version: int = 1) -> list[dict[str, Any]]:
    phq9 = {f"phq9-{n}": "1" for n in range(1, 9)} | {"phq9-9": str(item9)}
    gad7 = {f"gad7-{n}": "1" for n in range(1, 8)}
    risk = {f"risk-{n}": "no" for n in range(2, 8)} | {"risk-1": "0", "risk-5": "yes"}
    return [
        {"questionnaire": "phq9", "version": version, "answers": phq9},
        {"questionnaire": "gad7", "version": 1, "answers": gad7},
        {"questionnaire": "risk", "version": 1, "answers": risk},
    ]
