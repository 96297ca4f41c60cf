"""The case overview composes intake, scheduling and forms, and shows each part only when
the caller's role may see it: an intake worker gets the case and is told what is withheld;
a supervisor of the site gets every part; the read is recorded once. Intake is asked for the
case once (the scope's lookup is the case part); the services' JSON is passed on as they
sent it; a service that cannot be reached leaves its part null and named."""

from typing import Any

from services.gateway.upstream import Unavailable
from tests.unit.gateway.gateway_app import CASE_IN, Fakes, client, gateway_app


async def overview_for(role: str, down: str | None = None) -> tuple[dict[str, Any], Any, list]:
    app, fakes = gateway_app()
    asked, request = [], app.state.upstream.request

    async def counted(service: str, method: str, path: str, *rest: Any) -> Any:
        asked.append((service, path))
        if service == down:
            raise Unavailable(service)
        return await request(service, method, path, *rest)

    app.state.upstream.request = counted
    token = fakes.token(f"{role}.north", [role], ["north"])
    async with client(app) as http:
        answer = await http.get(f"/gateway/cases/{CASE_IN}/overview",
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json(), fakes, asked


async def test_an_intake_worker_sees_the_case_and_is_told_what_is_withheld():
    body, fakes, _ = await overview_for("intake_worker")
    assert body["case"] == {"site_id": "north", "therapist_id": "therapist.north"}
    assert "course" not in body and "forms" not in body
    assert body["withheld"] == ["course.read", "forms.read", "risk.read"]
    assert fakes.reached == []  # intake's answer to the gateway's lookup is the case


async def test_a_supervisor_of_the_site_sees_every_part_and_the_read_is_recorded_once():
    body, fakes, _ = await overview_for("supervisor")
    assert (body["withheld"], body["unavailable"]) == ([], [])
    assert (body["course"], body["forms"]) == ({"service": "scheduling"}, {"service": "forms"})
    assert body["risk_flags"] == []  # open and acknowledged, from forms
    assert [v["view"] for v in fakes.views] == ["/gateway/cases/{case_id}/overview"]


async def test_intake_is_asked_for_the_case_once():
    _, _, asked = await overview_for("supervisor")
    assert asked.count(("intake", f"/cases/{CASE_IN}")) == 1
    assert len(asked) == len(set(asked))


async def test_a_service_that_cannot_be_reached_leaves_its_part_null_and_named():
    body, fakes, _ = await overview_for("supervisor", down="scheduling")
    assert (body["course"], body["unavailable"]) == (None, ["course"])
    assert body["forms"] == {"service": "forms"}
    assert len(fakes.views) == 1  # what was shown is recorded


async def overview_with(role: str, include: str) -> tuple[Any, Fakes]:
    app, fakes = gateway_app()
    token = fakes.token(f"{role}.north", [role], ["north"])
    async with client(app) as http:
        answer = await http.get(f"/gateway/cases/{CASE_IN}/overview", params={"include": include},
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    return answer, fakes


async def test_the_parts_asked_for_come_in_the_same_read_recorded_once():
    answer, fakes = await overview_with("supervisor", "outcomes")
    body = answer.json()
    assert (body["outcomes"], body["withheld"]) == ({"service": "forms"}, [])
    assert "history" not in body
    assert [v["view"] for v in fakes.views] == ["/gateway/cases/{case_id}/overview"]


async def test_a_part_asked_for_that_the_role_may_not_see_is_withheld_and_named():
    body = (await overview_with("supervisor", "history"))[0].json()
    assert "history" not in body and body["withheld"] == ["ledger.read"]


async def test_an_unknown_part_is_refused_naming_the_known_ones():
    answer, _ = await overview_with("supervisor", "outcomes,secrets")
    assert answer.status_code == 422
    assert "secrets" in answer.text and "outcomes" in answer.text
