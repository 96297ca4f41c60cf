"""A client's whole journey over HTTP, as a staff app drives it: enquiry, referral,
assessment, waiting (with a pause), allocation, consent, first session, IPAF, goodbye
letter, discharge; then the requests that come after."""

from typing import Any
from uuid import uuid4

import httpx

from tests.e2e.intake_people import CLIENTS, TEXTS, days_ago
from tests.support.gateway_identity import as_staff

THERAPIST = as_staff("therapist-e2e", "therapist")


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()


async def publish(intake: httpx.AsyncClient, kind: str, text: str) -> int:
    body = {"title": kind.replace("_", " ").capitalize(), "text": text}
    return (await ok(await intake.post(f"/templates/{kind}/versions", json=body), 201))["version"]


async def consent(intake: httpx.AsyncClient, case_id: str, kind: str, version: int) -> str:
    body = {
        "document": kind,
        "template_version": version,
        "witnessed_by": "therapist-e2e",
        "method": "paper_scanned",
        "signed_at": f"{days_ago(20)}T10:00:00Z",
    }
    response = await intake.post(f"/cases/{case_id}/consents", json=body, auth=THERAPIST)
    return (await ok(response, 201))["consent_id"]


async def waiting_case(intake: httpx.AsyncClient, site: str) -> str:
    """Enquiry -> referral -> assessment -> suitable, with a ten-day pause."""
    enquiry = await ok(
        await intake.post(
            "/enquiries",
            json={
                "site_id": site,
                "received_on": days_ago(62),
                "contact": {k: CLIENTS["rosalind"][k] for k in ("name", "phone", "email")},
                "notes": TEXTS["enquiry_notes"],
            },
        ),
        201,
    )
    referral = {"referral_source": "self", "referral_date": days_ago(60)}
    referral["client"] = CLIENTS["rosalind"]
    url = f"/enquiries/{enquiry['enquiry_id']}/referral"
    case = await ok(await intake.post(url, json=referral), 201)
    assert case["case_id"] == enquiry["case_id"]
    case_id = case["case_id"]
    booking = {"scheduled_for": f"{days_ago(55)}T10:00:00+00:00", "assessor_id": "assessor-e2e"}
    await ok(await intake.post(f"/cases/{case_id}/assessment", json=booking))
    pause = {"paused_from": days_ago(50), "reason": TEXTS["pause_reason"]}
    await ok(await intake.post(f"/cases/{case_id}/pause", json=pause))
    await ok(await intake.post(f"/cases/{case_id}/resume", json={"resumed_on": days_ago(40)}))
    outcome = {"suitable": True, "reason": TEXTS["suitable_reason"], "assessed_on": days_ago(38)}
    await ok(await intake.post(f"/cases/{case_id}/assessment/outcome", json=outcome))
    return case_id


async def test_a_client_goes_from_enquiry_to_discharge_and_the_case_then_refuses_changes(intake):
    site = f"e2e-{uuid4().hex[:8]}"
    versions = {
        kind: await publish(intake, kind, TEXTS[text])
        for kind, text in (
            ("therapy_contract", "contract_text"),
            ("confidentiality_agreement", "confidentiality_text"),
            ("recording_consent", "recording_text"),
        )
    }
    case_id = await waiting_case(intake, site)

    [waiting] = await ok(await intake.get(f"/sites/{site}/waiting-list"))
    assert (waiting["case_id"], waiting["waited_days"]) == (case_id, 50)
    assert (waiting["past_6_weeks"], waiting["past_18_weeks"]) == (True, False)
    assert [
        w["case_id"]
        for w in await ok(await intake.get(f"/sites/{site}/waiting-list?past_weeks=18"))
    ] == []
    standards = await ok(await intake.get(f"/sites/{site}/waiting-standards"))
    counts = (standards["waiting"], standards["within_6_weeks"], standards["within_18_weeks"])
    assert counts == (1, 0, 1)  # waited 50 days: past 6 weeks, within 18
    assert await ok(await intake.get(f"/sites/{site}/waiting-list?offset=1")) == []
    too_long = await intake.get(f"/sites/{site}/waiting-list?limit=1001")
    assert too_long.status_code == 422 and "limit" in too_long.text

    allocation = {"therapist_id": "therapist-e2e-1", "allocated_on": days_ago(30)}
    await ok(await intake.post(f"/cases/{case_id}/allocation", json=allocation))
    reallocation = {
        "therapist_id": "therapist-e2e",
        "reallocated_on": days_ago(25),
        "reason": TEXTS["reallocation_reason"],
    }
    await ok(await intake.post(f"/cases/{case_id}/reallocation", json=reallocation))
    caseload = await ok(await intake.get("/therapists/therapist-e2e/caseload"))
    assert case_id in [c["case_id"] for c in caseload]

    consents = {kind: await consent(intake, case_id, kind, v) for kind, v in versions.items()}
    first = {"attended_on": days_ago(20), "appointment_type": "02"}
    await ok(await intake.post(f"/cases/{case_id}/first-treatment", json=first, auth=THERAPIST))
    assert await ok(await intake.get(f"/sites/{site}/waiting-list")) == []

    withdrawal = {"withdrawn_on": days_ago(10), "reason": TEXTS["withdrawal_reason"]}
    url = f"/cases/{case_id}/consents/{consents['recording_consent']}/withdrawal"
    withdrawn = await ok(await intake.post(url, json=withdrawal, auth=THERAPIST))
    assert withdrawn["stops"] == ["audio_recording", "supervision_use_of_recordings"]

    ipaf = {k: TEXTS[k] for k in ("self_representation", "other_representation", "affect")}
    ipaf |= {"defensive_function": TEXTS["defensive_function"], "agreed_on": days_ago(15)}
    for body in (ipaf, {**ipaf, "affect": TEXTS["revised_affect"], "agreed_on": days_ago(5)}):
        await ok(await intake.post(f"/cases/{case_id}/ipaf", json=body, auth=THERAPIST), 201)
    letter = {"text": TEXTS["goodbye_letter"], "letter_date": days_ago(2)}
    await ok(
        await intake.post(f"/cases/{case_id}/goodbye-letter", json=letter, auth=THERAPIST), 201
    )
    discharge = {"ending_code": "46", "discharged_on": days_ago(1)}
    done = await ok(await intake.post(f"/cases/{case_id}/discharge", json=discharge))
    assert (done["status"], done["episode_status"]) == ("discharged", "finished")

    later = await intake.post(f"/cases/{case_id}/ipaf", json=ipaf, auth=THERAPIST)
    assert later.status_code == 409 and "the case is discharged" in later.json()["detail"]

    case = await ok(await intake.get(f"/cases/{case_id}"))
    # each referral of a named client has an NHS number of its own (intake_people.py)
    assert case["client"]["name"] == CLIENTS["rosalind"]["name"]
    assert case["client"]["nhs_number"].isdigit() and len(case["client"]["nhs_number"]) == 10
    assert [r["parts"]["affect"] for r in case["ipaf"]] == [
        TEXTS["affect"],
        TEXTS["revised_affect"],
    ]
    assert case["waiting"]["days_waited"] == 30  # referral to first session, less the pause
    assert [h["status"] for h in case["episode_history"]] == [
        "planned",
        "onhold",
        "planned",
        "waitlist",
        "active",
        "finished",
    ]
    timeline = await ok(await intake.get(f"/cases/{case_id}/timeline"))
    assert [t["type"] for t in timeline][-3:] == [
        "intake.IpafRecorded",
        "intake.GoodbyeLetterWritten",
        "intake.CaseDischarged",
    ]


async def test_data_subject_requests_are_recorded_and_erasure_is_refused_with_its_reason(intake):
    referral = {"referral_source": "gp", "referral_date": days_ago(3), "site_id": "north"}
    case = await ok(
        await intake.post("/referrals", json={**referral, "client": CLIENTS["ines"]}), 201
    )
    requests = f"/cases/{case['case_id']}/data-requests"
    erasure = await ok(
        await intake.post(requests, json={"kind": "erasure", "received_on": days_ago(1)}), 201
    )

    decision = {"decision": "granted", "reason": TEXTS["erasure_reason"], "decided_on": days_ago(0)}
    granted = await intake.post(f"{requests}/{erasure['request_id']}/decision", json=decision)
    refused = await ok(
        await intake.post(
            f"{requests}/{erasure['request_id']}/decision", json={**decision, "decision": "refused"}
        )
    )

    assert granted.status_code == 422
    assert granted.json()["detail"][0]["field"] == "body.decision"
    assert refused["decision"]["legal_basis"] == "uk_gdpr_art_17_3"
    assert refused["decision"]["reason"] == TEXTS["erasure_reason"]


async def test_a_client_found_unsuitable_at_assessment_leaves_with_the_ending_code(intake):
    referral = {"referral_source": "other_professional", "referral_date": days_ago(14)}
    referral |= {"site_id": "north", "client": CLIENTS["tobias"]}
    case_id = (await ok(await intake.post("/referrals", json=referral), 201))["case_id"]
    booking = {"scheduled_for": f"{days_ago(7)}T14:30:00+01:00", "assessor_id": "assessor-e2e"}
    await ok(await intake.post(f"/cases/{case_id}/assessment", json=booking))
    outcome = {"suitable": False, "ending_code": "11", "reason": TEXTS["unsuitable_reason"]}
    ended = await ok(
        await intake.post(
            f"/cases/{case_id}/assessment/outcome", json={**outcome, "assessed_on": days_ago(7)}
        )
    )
    assert (ended["status"], ended["episode_status"]) == ("discharged", "cancelled")
    case = await ok(await intake.get(f"/cases/{case_id}"))
    assert case["ending"] == {"code": "11", "on": days_ago(7)}
