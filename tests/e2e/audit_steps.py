"""Helpers of the audit e2e tests: drive a case through intake, wait for the ledger."""

import asyncio
from typing import Any
from uuid import UUID

import httpx

from shared.envelope import event_id_of
from tests.e2e.intake_people import CLIENTS, TEXTS
from tests.support.clock import days_ago, moment


async def wait_until_in_ledger(
    audit: httpx.AsyncClient, case_id: str, version: int, seconds: float = 60
) -> None:
    """Until every event of the case up to `version` is in the ledger."""
    for n in range(1, version + 1):
        event_id = event_id_of("intake", UUID(case_id), n)
        for _ in range(int(seconds * 10)):
            if (await audit.get(f"/ledger/entries/{event_id}")).status_code == 200:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"event {n} of case {case_id} never reached the ledger")


async def post(intake: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await intake.post(path, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def referral_to_first_ipaf(intake: httpx.AsyncClient) -> str:
    """Referral, assessment, allocation, consent, first session and the first IPAF."""
    case = await post(
        intake,
        "/referrals",
        {
            "referral_source": "gp",
            "referral_date": days_ago(60),
            "site_id": "north",
            "client": CLIENTS["rosalind"],
        },
    )
    path = f"/cases/{case['case_id']}"
    await post(intake, f"{path}/assessment", {"scheduled_for": moment(55), "assessor_id": "a-1"})
    await post(
        intake,
        f"{path}/assessment/outcome",
        {"suitable": True, "assessed_on": days_ago(55), "reason": TEXTS["suitable_reason"]},
    )
    await post(intake, f"{path}/allocation", {"therapist_id": "t-1", "allocated_on": days_ago(50)})
    contract = {"title": "Therapy contract", "text": TEXTS["contract_text"]}
    template = await post(intake, "/templates/therapy_contract/versions", contract)
    await post(
        intake,
        f"{path}/consents",
        {
            "document": "therapy_contract",
            "template_version": template["version"],
            "witnessed_by": "t-1",
            "method": "electronic",
            "signed_at": moment(45),
        },
    )
    await post(intake, f"{path}/first-treatment", {"attended_on": days_ago(45)})
    await post(intake, f"{path}/ipaf", {**ipaf(TEXTS["affect"]), "agreed_on": days_ago(40)})
    return case["case_id"]


async def revise_and_discharge(intake: httpx.AsyncClient, case_id: str) -> None:
    path = f"/cases/{case_id}"
    await post(intake, f"{path}/ipaf", {**ipaf(TEXTS["revised_affect"]), "agreed_on": days_ago(20)})
    await post(
        intake,
        f"{path}/goodbye-letter",
        {"text": TEXTS["goodbye_letter"], "letter_date": days_ago(2)},
    )
    await post(intake, f"{path}/discharge", {"ending_code": "46", "discharged_on": days_ago(1)})


def ipaf(affect: str) -> dict[str, str]:
    return {
        "self_representation": TEXTS["self_representation"],
        "affect": affect,
        "other_representation": TEXTS["other_representation"],
        "defensive_function": TEXTS["defensive_function"],
    }
