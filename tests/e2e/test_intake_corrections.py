"""Over HTTP: a client's name corrected is an event of its own; the case shows the new name
and keeps the old one in its history, and search finds the client by the new name only."""

import uuid

from tests.e2e.intake_people import days_ago


async def test_a_corrected_name_is_kept_with_the_old_one_and_searched_by_the_new(intake):
    site = f"site-{uuid.uuid4().hex[:10]}"
    body = {"referral_source": "gp", "referral_date": days_ago(3), "site_id": site}
    response = await intake.post("/referrals", json={**body, "client": {"name": "Anwen Jonse"}})
    case_id = response.json()["case_id"]

    fix = await intake.post(
        f"/cases/{case_id}/client-details/corrections", json={"name": "Anwen Jones"}
    )

    assert fix.status_code == 200, fix.text
    assert fix.json()["fields"] == ["name"]
    case = (await intake.get(f"/cases/{case_id}")).json()
    assert case["client"]["name"] == "Anwen Jones"
    [correction] = case["corrections"]
    assert correction["previous"] == {"name": "Anwen Jonse"} and correction["by"] == "staff-e2e"
    timeline = (await intake.get(f"/cases/{case_id}/timeline")).json()
    assert [e["type"] for e in timeline] == [
        "intake.ReferralReceived",
        "intake.ClientDetailsCorrected",
    ]
    found = (await intake.get(f"/sites/{site}/search", params={"name": "jones"})).json()
    assert [hit["id"] for hit in found] == [case_id]
    assert (await intake.get(f"/sites/{site}/search", params={"name": "jonse"})).json() == []
