"""The staff API's composed views through the real services with Keycloak tokens: a
therapist's today (their week's sessions with phase, remote or room, the pre-session form
that came back with its scores, the case's open risk flag, the client's name) and a site's
risk dashboard (open flags, escalations first, oldest first, with their age). Each shows
only what the policy table allows, and each case shown is a read in the case's replay."""

import asyncio

import httpx

from tests.browser.web_data import case_in_therapy
from tests.e2e.gateway_support import bearer, new_staff, with_gateway
from tests.e2e.test_gateway_reads_in_the_ledger import ok, views_in_replay
from tests.support.stack import Stack

TODAY_VIEW = "/gateway/therapists/{therapist_id}/today"
RISK_VIEW = "/gateway/sites/{site_id}/risk-dashboard"


async def test_a_therapist_s_today_and_a_site_s_risk_dashboard(stack: Stack):
    await with_gateway(stack, "scheduling", "forms")
    therapist = await new_staff("therapist", "north")
    case_id, course, form = await case_in_therapy(stack, therapist)
    first = next(s for s in course["sessions"] if s["session_id"] == form["session_id"])
    week = first["starts_at"][:10]
    path = f"/gateway/therapists/{therapist}/today"
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:
        mine = await ok(await gateway.get(path, params={"week": week},
                                          headers=await bearer(therapist)))  # fmt: skip
        session = next(s for s in mine["sessions"] if s["session_id"] == first["session_id"])
        assert (session["case_id"], session["phase"], session["remote"]) == (
            case_id,
            "initial",
            True,
        )
        assert session["client_name"] == "Ada Example"
        assert session["form"]["returned"] and session["form"]["phq9"] is not None
        assert [f["level"] for f in session["open_risk_flags"]] != []
        assert mine["withheld"] == [] and mine["week_of"] <= week

        elsewhere = await gateway.get(path, headers=await bearer("therapist.north"))
        assert elsewhere.status_code == 403 and "diary.read" in elsewhere.json()["detail"]
        south = await ok(await gateway.get(path, params={"week": week},
                                           headers=await bearer("supervisor.south")))  # fmt: skip
        seen = next(s for s in south["sessions"] if s["session_id"] == first["session_id"])
        assert (seen["client_name"], seen["form"], seen["open_risk_flags"]) == (None, None, None)
        assert south["withheld"] == ["forms.read", "risk.read"]

        board = await ok(await gateway.get("/gateway/sites/north/risk-dashboard",
                                           headers=await bearer("supervisor.north")))  # fmt: skip
        flags = board["open_flags"]
        assert case_id in [f["case_id"] for f in flags]
        assert all(f["age_seconds"] >= 0 for f in flags)
        escalated = [f["escalated"] for f in flags]
        assert escalated == sorted(escalated, reverse=True)  # escalations first
        for refused in ("therapist.north", "supervisor.south", "intake_worker.north"):
            answer = await gateway.get("/gateway/sites/north/risk-dashboard",
                                       headers=await bearer(refused))  # fmt: skip
            assert answer.status_code == 403 and "risk.read" in answer.json()["detail"], refused

        wanted = {(therapist, TODAY_VIEW), ("supervisor.south", TODAY_VIEW),
                  ("supervisor.north", RISK_VIEW)}  # fmt: skip
        await viewed(gateway, case_id, wanted)


async def viewed(gateway: httpx.AsyncClient, case_id: str, wanted: set[tuple[str, str]]) -> None:
    """Wait until the case's replay in the ledger lists each (who, view) wanted."""
    for _ in range(60):  # the access events reach the ledger through Kafka
        views = await views_in_replay(gateway, case_id, want=1)
        if wanted <= {(v["by"], v["view"]) for v in views}:
            return
        await asyncio.sleep(1)
    raise AssertionError(f"not in the replay of {case_id}: {wanted}")


async def test_a_week_that_is_not_a_date_is_refused_naming_it(stack: Stack):
    await with_gateway(stack, "scheduling", "forms")
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:
        answer = await gateway.get("/gateway/therapists/therapist.north/today",
                                   params={"week": "next tuesday"},
                                   headers=await bearer("therapist.north"))  # fmt: skip
    assert answer.status_code == 422 and "week" in answer.text
