"""Over HTTP, the real services: a session booked in scheduling issues a form; the client's
link submits it with PHQ-9 item 9 = 1; the flag is listed for the site within seconds and
stays until a clinician acknowledges it; the audit ledger holds both, and the case's replay
shows them."""

import asyncio

import httpx

from tests.e2e.forms.steps import answers, booked_form, client_link, eventually


async def test_a_risk_positive_form_is_flagged_until_a_clinician_acknowledges_it(forms, audit):
    course, form = await booked_form(forms)
    assert form["status"] == "issued" and form["session_number"] == 1
    link = await client_link(forms, form["form_id"])
    async with httpx.AsyncClient(base_url=forms.base_url) as client:  # no staff identity
        page = await client.get(link)
        assert page.status_code == 200 and "Before your session" in page.text
        body = {"form_id": form["form_id"], "responses": answers(item9=1)}
        sent = await client.post(f"{link}/response", json=body)
    assert sent.status_code == 201, sent.text

    async def listed():  # type: ignore[no-untyped-def]
        flags = (await forms.get(f"/sites/{course.site_id}/risk-flags")).json()
        return flags or None

    [flag] = await eventually(listed, seconds=5)
    assert flag["codes"] == ["phq9_item9"] and flag["fhir"]["resourceType"] == "Flag"
    came_back = (await forms.get(f"/cases/{course.case_id}/forms")).json()[0]
    assert came_back["status"] == "completed" and came_back["risk_level"] == "medium"

    await asyncio.sleep(1)
    still = (await forms.get(f"/sites/{course.site_id}/risk-flags")).json()
    assert [f["flag_id"] for f in still] == [flag["flag_id"]]
    assert still[0]["age_seconds"] >= 1

    acknowledgement = {"action": "contacted_client", "note": "Phoned; agreed a safety plan."}
    ack = await forms.post(f"/risk-flags/{flag['flag_id']}/acknowledgement", json=acknowledgement)
    assert ack.status_code == 200, ack.text
    assert (await forms.get(f"/sites/{course.site_id}/risk-flags")).json() == []

    async def replayed():  # type: ignore[no-untyped-def]
        history = (await audit.get(f"/cases/{course.case_id}/history")).json()
        types = {e["type"] for e in history.get("events", [])}
        return history if "forms.RiskFlagAcknowledged" in types else None

    history = await eventually(replayed, seconds=60)
    replay_flag = history["state"]["risk_flags"][flag["flag_id"]]
    assert replay_flag["level"] == "medium" and replay_flag["status"] == "inactive"
    assert replay_flag["acknowledgement"]["action"] == "contacted_client"
    assert replay_flag["acknowledgement"]["by"] == "duty-e2e"
    assert history["state"]["forms"][form["form_id"]]["scores"]["phq9"] == 9
