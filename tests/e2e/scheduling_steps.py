"""Helpers of the scheduling e2e tests: a case allocated in intake, its course in
scheduling, a site with a room, and times given to scheduling's test clock (X-Clock)."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx

from tests.e2e.audit_steps import moment, post
from tests.e2e.intake_people import CLIENTS, TEXTS, days_ago


def next_monday(weeks_ahead: int = 2) -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


def at(instant: str, minutes: int = 5) -> dict[str, str]:
    """The X-Clock header: `minutes` after an instant (a session's start, say)."""
    moment_ = datetime.fromisoformat(instant) + timedelta(minutes=minutes)
    return {"X-Clock": moment_.isoformat()}


async def allocated_case(intake: httpx.AsyncClient, site_id: str, therapist_id: str) -> str:
    case = await post(
        intake,
        "/referrals",
        {
            "referral_source": "self",
            "referral_date": days_ago(30),
            "site_id": site_id,
            "client": CLIENTS["osric"],
        },
    )
    path = f"/cases/{case['case_id']}"
    await post(
        intake,
        f"{path}/assessment",
        {"scheduled_for": moment(25), "assessor_id": f"a-{uuid4().hex[:6]}"},
    )
    await post(
        intake,
        f"{path}/assessment/outcome",
        {"suitable": True, "assessed_on": days_ago(25), "reason": TEXTS["suitable_reason"]},
    )
    await post(
        intake, f"{path}/allocation", {"therapist_id": therapist_id, "allocated_on": days_ago(20)}
    )
    return case["case_id"]


async def site_with_room(scheduling: httpx.AsyncClient) -> str:
    site_id = f"e2e-{uuid4().hex[:8]}"
    await post(scheduling, "/sites", {"site_id": site_id, "name": "E2e centre"})
    await post(scheduling, f"/sites/{site_id}/rooms", {"room_id": "room-1", "name": "Room 1"})
    return site_id


async def course_when(
    scheduling: httpx.AsyncClient, case_id: str, holds: Any = lambda c: True, seconds: float = 90
) -> dict[str, Any]:
    """The case's course once it exists (intake's allocation reached scheduling) and holds."""
    for _ in range(int(seconds * 10)):
        response = await scheduling.get(f"/cases/{case_id}/course")
        if response.status_code == 200 and holds(response.json()):
            return response.json()
        await asyncio.sleep(0.1)
    raise AssertionError(f"the course of case {case_id} never became as expected")


def live(course: dict[str, Any], number: int) -> dict[str, Any]:
    return next(
        s
        for s in course["sessions"]
        if s["session_number"] == number and s["status"] in ("booked", "held")
    )


async def sign_consents(intake: httpx.AsyncClient, case_id: str) -> None:
    for document, text in (
        ("therapy_contract", "contract_text"),
        ("confidentiality_agreement", "confidentiality_text"),
    ):
        template = await post(
            intake, f"/templates/{document}/versions", {"title": document, "text": TEXTS[text]}
        )
        await post(
            intake,
            f"/cases/{case_id}/consents",
            {
                "document": document,
                "template_version": template["version"],
                "witnessed_by": "t-1",
                "method": "electronic",
                "signed_at": moment(1),
            },
        )
