"""Over HTTP: a supervisor puts a clinician on duty at a site; a high risk answer through the
client's link escalates to them by name and is listed for them; a therapist cannot set the
rota, and a staff id with a control character is refused."""

from uuid import uuid4

import httpx

from tests.e2e.forms.steps import answers, booked_form, client_link, eventually
from tests.support.gateway_identity import as_staff


async def test_a_high_risk_answer_is_listed_for_the_duty_clinician_of_the_site(forms):
    course, form = await booked_form(forms)
    duty = f"duty-{uuid4().hex[:8]}"
    supervisor = as_staff("supervisor-e2e", "supervisor")
    put = await forms.put(
        f"/sites/{course.site_id}/duty-clinician", json={"staff_id": duty}, auth=supervisor
    )
    assert put.status_code == 200, put.text
    assert (await forms.get(f"/sites/{course.site_id}/duty-clinician")).json()["staff_id"] == duty
    link = await client_link(forms, form["form_id"])
    async with httpx.AsyncClient(base_url=forms.base_url) as client:  # no staff identity
        body = {"form_id": form["form_id"], "responses": answers(item9=3)}
        assert (await client.post(f"{link}/response", json=body)).status_code == 201

    async def listed():  # type: ignore[no-untyped-def]
        return (await forms.get(f"/duty-clinicians/{duty}/escalations")).json() or None

    [escalation] = await eventually(listed, seconds=5)
    assert escalation["escalated_to"] == duty and escalation["level"] == "high"
    assert escalation["fhir"]["resourceType"] == "Flag"


async def test_only_a_supervisor_or_site_manager_sets_the_rota_and_ids_are_checked(forms):
    site = f"site-{uuid4().hex[:8]}"
    therapist = as_staff("therapist-e2e", "therapist")
    refused = await forms.put(
        f"/sites/{site}/duty-clinician", json={"staff_id": "duty-x"}, auth=therapist
    )
    assert refused.status_code == 403
    bad = await forms.put(
        f"/sites/{site}/duty-clinician",
        json={"staff_id": "duty\x00x"},
        auth=as_staff("manager-e2e", "site_manager"),
    )
    assert bad.status_code == 422 and "staff_id" in bad.text
    assert (await forms.get(f"/sites/{site}/duty-clinician")).status_code == 404
