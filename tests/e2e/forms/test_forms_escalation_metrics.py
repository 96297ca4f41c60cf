"""/metrics counts a site's open escalations and the age of the oldest, until acknowledged."""

import asyncio

import httpx

from tests.e2e.forms.steps import answers, booked_form, client_link


def sample(text: str, name: str, site: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(f'{name}{{site="{site}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_open_escalations_and_the_oldest_age_are_metrics(forms) -> None:
    course, form = await booked_form(forms)
    link = await client_link(forms, form["form_id"])
    async with httpx.AsyncClient(base_url=forms.base_url) as client:
        body = {"form_id": form["form_id"], "responses": answers(item9=3)}  # escalates
        assert (await client.post(f"{link}/response", json=body)).status_code == 201
    await asyncio.sleep(1.1)
    text = (await forms.get("/metrics")).text
    assert sample(text, "rapport_forms_open_escalations", course.site_id) == 1
    age = sample(text, "rapport_forms_oldest_open_escalation_age_seconds", course.site_id)
    assert age is not None and age >= 1
    [flag] = (await forms.get(f"/sites/{course.site_id}/risk-flags")).json()
    assert flag["escalated"] and flag["level"] == "high"
    acknowledgement = {"action": "crisis_team_referral", "note": "Referred to crisis team."}
    await forms.post(f"/risk-flags/{flag['flag_id']}/acknowledgement", json=acknowledgement)
    text = (await forms.get("/metrics")).text
    assert sample(text, "rapport_forms_open_escalations", course.site_id) == 0
