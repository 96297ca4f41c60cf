"""A client's journey through every intake command that takes a personal detail or free
text, with values made for one test run (a random token in each), so a scan for them finds
only what that run sent."""

import uuid
from typing import Any

import httpx

from tests.e2e.intake_people import CLIENTS, TEXTS
from tests.support.clock import days_ago, moment
from tests.support.gateway_identity import as_staff

THERAPIST = as_staff("therapist-privacy", "therapist")


def personal_details() -> tuple[dict[str, Any], dict[str, str]]:
    """A client and the free texts about them, each value marked with a token of this run."""
    token = uuid.uuid4().hex[:8]
    client = {
        **CLIENTS["rosalind"],
        "name": f"Marigold Quennell {token}",
        "email": f"marigold.{token}@example.net",
        "address": f"{token} Quarry Lane",
    }
    texts = {k: f"{v} ({token})" for k, v in TEXTS.items()}
    return client, texts


async def post(intake: httpx.AsyncClient, path: str, body: dict, **kw: Any) -> dict[str, Any]:
    response = await intake.post(path, json=body, **kw)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def whole_journey(intake: httpx.AsyncClient, client: dict, texts: dict) -> str:
    """Enquiry to discharge, a consent given and withdrawn, a data request decided last."""
    contact = {k: client[k] for k in ("name", "phone", "email")}
    enquiry = await post(
        intake,
        "/enquiries",
        {
            "site_id": "north",
            "received_on": days_ago(62),
            "contact": contact,
            "notes": texts["enquiry_notes"],
        },
    )
    case = await post(
        intake,
        f"/enquiries/{enquiry['enquiry_id']}/referral",
        {"referral_source": "self", "referral_date": days_ago(60), "client": client},
    )
    path = f"/cases/{case['case_id']}"
    await post(intake, f"{path}/assessment", {"scheduled_for": moment(55), "assessor_id": "a-p"})
    await post(
        intake, f"{path}/pause", {"paused_from": days_ago(54), "reason": texts["pause_reason"]}
    )
    await post(intake, f"{path}/resume", {"resumed_on": days_ago(50)})
    await post(
        intake,
        f"{path}/assessment/outcome",
        {"suitable": True, "assessed_on": days_ago(49), "reason": texts["suitable_reason"]},
    )
    await post(intake, f"{path}/allocation", {"therapist_id": "t-p1", "allocated_on": days_ago(48)})
    await post(
        intake,
        f"{path}/reallocation",
        {
            "therapist_id": "t-p2",
            "reallocated_on": days_ago(47),
            "reason": texts["reallocation_reason"],
        },
    )
    version = await post(
        intake,
        "/templates/recording_consent/versions",
        {"title": "Recording", "text": texts["recording_text"]},
    )
    consent = await post(
        intake,
        f"{path}/consents",
        {
            "document": "recording_consent",
            "template_version": version["version"],
            "witnessed_by": "t-p2",
            "method": "electronic",
            "signed_at": moment(46),
        },
        auth=THERAPIST,
    )
    await post(
        intake,
        f"{path}/consents/{consent['consent_id']}/withdrawal",
        {"withdrawn_on": days_ago(45), "reason": texts["withdrawal_reason"]},
        auth=THERAPIST,
    )
    await post(intake, f"{path}/first-treatment", {"attended_on": days_ago(44)}, auth=THERAPIST)
    ipaf = {
        k: texts[k]
        for k in ("self_representation", "other_representation", "affect", "defensive_function")
    }
    await post(intake, f"{path}/ipaf", {**ipaf, "agreed_on": days_ago(40)}, auth=THERAPIST)
    await post(
        intake,
        f"{path}/goodbye-letter",
        {"text": texts["goodbye_letter"], "letter_date": days_ago(2)},
        auth=THERAPIST,
    )
    await post(intake, f"{path}/discharge", {"ending_code": "46", "discharged_on": days_ago(1)})
    request = await post(
        intake, f"{path}/data-requests", {"kind": "access", "received_on": days_ago(1)}
    )
    await post(
        intake,
        f"{path}/data-requests/{request['request_id']}/decision",
        {"decision": "granted", "reason": texts["access_reason"], "decided_on": days_ago(0)},
    )
    return case["case_id"]
