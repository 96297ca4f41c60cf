"""The case overview composes intake, scheduling and forms, and shows each part only when
the caller's role may see it: an intake worker gets the case and is told what is withheld;
a supervisor of the site gets every part; the read is recorded once."""

from typing import Any

from tests.unit.gateway.gateway_app import CASE_IN, client, gateway_app


async def overview_for(role: str) -> tuple[dict[str, Any], Any]:
    app, fakes = gateway_app()
    token = fakes.token(f"{role}.north", [role], ["north"])
    async with client(app) as http:
        answer = await http.get(f"/gateway/cases/{CASE_IN}/overview",
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json(), fakes


async def test_an_intake_worker_sees_the_case_and_is_told_what_is_withheld():
    body, fakes = await overview_for("intake_worker")
    assert body["case"] == {"service": "intake"}
    assert "course" not in body and "forms" not in body
    assert body["withheld"] == ["course.read", "forms.read", "risk.read"]
    assert {service for service, _, _ in fakes.reached} == {"intake"}


async def test_a_supervisor_of_the_site_sees_every_part_and_the_read_is_recorded_once():
    body, fakes = await overview_for("supervisor")
    assert body["withheld"] == []
    assert (body["course"], body["forms"]) == ({"service": "scheduling"}, {"service": "forms"})
    assert [v["view"] for v in fakes.views] == ["/gateway/cases/{case_id}/overview"]
