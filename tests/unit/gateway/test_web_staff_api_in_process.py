"""The web app's calls of the staff API, made in process, are decided and recorded as the same
call from outside: the member's token is checked, the policy table decides on the case's
scope, a read of a case is an access event, a refused one is not; a path the API does not
have is a 404 (another method's path a 405), and a header HTTP cannot carry is a 422 naming
it, not a 500."""

from typing import Any

from fastapi import Request

from services.gateway.web import inprocess
from tests.unit.gateway.gateway_app import CASE_IN, CASE_OUT, gateway_app


def page_request(app: Any) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/web/", "headers": [], "app": app})


async def as_member(role: str, method: str, path: str, **headers: str) -> tuple[Any, Any]:
    app, fakes = gateway_app()
    token = fakes.token(f"{role}.north", [role], ["north"])
    sent = {"Authorization": f"Bearer {token}", **headers}
    return await inprocess.call(page_request(app), method, path, sent), fakes


async def test_a_read_of_a_case_in_scope_is_answered_and_recorded():
    answer, fakes = await as_member("supervisor", "GET", f"/intake/cases/{CASE_IN}/timeline")
    assert answer.status_code == 200 and answer.json() == {"service": "intake"}
    assert [(v["case_id"], v["view"]) for v in fakes.views] == [
        (CASE_IN, "/intake/cases/{case_id}/timeline")
    ]


async def test_a_read_of_a_case_out_of_scope_is_refused_naming_the_permission_unrecorded():
    answer, fakes = await as_member("supervisor", "GET", f"/intake/cases/{CASE_OUT}/timeline")
    assert answer.status_code == 403 and "case.read" in answer.json()["detail"]
    assert fakes.views == [] and fakes.reached == []


async def test_a_page_s_composed_view_goes_through_the_gateway_s_own_handler():
    answer, fakes = await as_member("intake_worker", "GET", f"/gateway/cases/{CASE_IN}/overview")
    assert answer.json()["withheld"] == ["course.read", "forms.read", "risk.read"]
    assert [v["view"] for v in fakes.views] == ["/gateway/cases/{case_id}/overview"]


async def test_a_call_without_a_valid_token_is_a_401():
    app, _ = gateway_app()
    answer = await inprocess.call(page_request(app), "GET", f"/intake/cases/{CASE_IN}",
                                  {"Authorization": "Bearer not-a-token"})  # fmt: skip
    assert answer.status_code == 401


async def test_a_path_the_api_lacks_is_a_404_and_another_method_s_path_a_405():
    missing, _ = await as_member("supervisor", "GET", "/intake/nothing/here")
    wrong, fakes = await as_member("supervisor", "POST", f"/intake/cases/{CASE_IN}/timeline")
    assert (missing.status_code, wrong.status_code) == (404, 405)
    assert fakes.reached == []


async def test_a_header_http_cannot_carry_is_a_422_naming_it():
    reason = "The client\u2019s crisis call"  # a curly apostrophe, as word processors type
    answer, fakes = await as_member("supervisor", "GET", f"/intake/cases/{CASE_OUT}",
                                    **{"X-Break-Glass-Reason": reason})  # fmt: skip
    assert answer.status_code == 422 and "X-Break-Glass-Reason" in answer.json()["detail"]
    assert fakes.views == []
