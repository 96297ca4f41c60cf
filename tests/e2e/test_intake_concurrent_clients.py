"""Two staff apps change one case at the same moment: one wins, the other gets 409, and the
case's history holds exactly one of the changes."""

import asyncio

import httpx

from tests.e2e.intake_people import CLIENTS, days_ago
from tests.support.stack import STAFF


async def test_two_clients_allocating_one_case_at_once_one_wins_and_the_other_gets_409(
    intake, stack
):
    body = {"referral_source": "gp", "referral_date": days_ago(9), "site_id": "north"}
    case_id = (await intake.post("/referrals", json={**body, "client": CLIENTS["osric"]})).json()[
        "case_id"
    ]
    booking = {"scheduled_for": f"{days_ago(5)}T09:00:00Z", "assessor_id": "assessor-e2e"}
    await intake.post(f"/cases/{case_id}/assessment", json=booking)
    outcome = {"suitable": True, "reason": "suits DIT", "assessed_on": days_ago(5)}
    assert (await intake.post(f"/cases/{case_id}/assessment/outcome", json=outcome)).is_success

    async with (
        httpx.AsyncClient(base_url=stack.url("intake"), auth=STAFF) as first,
        httpx.AsyncClient(base_url=stack.url("intake"), auth=STAFF) as second,
    ):
        responses = await asyncio.gather(
            *[
                client.post(
                    f"/cases/{case_id}/allocation",
                    json={"therapist_id": therapist, "allocated_on": days_ago(0)},
                )
                for client, therapist in ((first, "therapist-a"), (second, "therapist-b"))
            ]
        )

    assert sorted(r.status_code for r in responses) == [200, 409]
    timeline = (await intake.get(f"/cases/{case_id}/timeline")).json()
    assert [t["type"] for t in timeline].count("intake.TherapistAllocated") == 1
    assert [t["version"] for t in timeline] == list(range(1, len(timeline) + 1))
