"""Over HTTP: a pause's reason goes out as an HMAC under intake's key, per case (the timeline
shows what Kafka carries), and intake proves a reason against its digest."""

import hashlib

from tests.e2e.intake_people import CLIENTS, days_ago

REASON = "Away for a fortnight"


async def paused_case(intake) -> tuple[str, dict]:
    body = {"referral_source": "gp", "referral_date": days_ago(20), "site_id": "north"}
    response = await intake.post("/referrals", json={**body, "client": CLIENTS["osric"]})
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    pause = {"paused_from": days_ago(5), "reason": REASON}
    assert (await intake.post(f"/cases/{case_id}/pause", json=pause)).status_code == 200
    timeline = (await intake.get(f"/cases/{case_id}/timeline")).json()
    [digest] = [e["data"]["reason_digest"] for e in timeline if e["type"] == "intake.PauseStarted"]
    return case_id, digest


async def test_the_same_reason_in_two_cases_goes_out_as_two_keyed_digests(intake):
    (_, first), (_, second) = await paused_case(intake), await paused_case(intake)
    assert first["alg"] == second["alg"] == "hmac-sha256"
    assert first["key_id"] == second["key_id"] and first["hex"] != second["hex"]
    assert hashlib.sha256(REASON.encode()).hexdigest() not in (first["hex"], second["hex"])


async def test_intake_proves_a_reason_against_its_digest(intake):
    case_id, digest = await paused_case(intake)
    proof = f"/cases/{case_id}/digest-proofs"
    right = await intake.post(proof, json={"text": REASON, "digest": digest})
    wrong = await intake.post(proof, json={"text": "Away for a week", "digest": digest})
    assert right.status_code == wrong.status_code == 200, right.text
    assert (right.json()["matches"], wrong.json()["matches"]) == (True, False)
