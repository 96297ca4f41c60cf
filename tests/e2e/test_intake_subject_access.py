"""Subject access: a granted access request produces the person's whole record (JSON with
FHIR R4 shapes, validated, and readable HTML), recorded as an event; someone who only
enquired can make a data request; the case's timeline shows its enquiry and data requests
in the order the audit ledger holds them."""

import hashlib
import html
import json

from fhir.resources.R4B.bundle import Bundle

from services.intake.subject_access import canonical
from tests.e2e.intake_people import days_ago
from tests.e2e.privacy_journey import personal_details, post, whole_journey
from tests.support.ledger import LedgerMark

# The texts whole_journey sends about the person (the others are other tests', or templates).
SENT = ("enquiry_notes", "pause_reason", "suitable_reason", "reallocation_reason",
        "withdrawal_reason", "self_representation", "other_representation", "affect",
        "defensive_function", "goodbye_letter", "access_reason")  # fmt: skip


async def request_of(intake, case_id: str, kind: str = "access") -> str:
    timeline = (await intake.get(f"/cases/{case_id}/timeline")).json()
    received = [e for e in timeline if e["type"] == "intake.DataSubjectRequestReceived"]
    return [e["originator_id"] for e in received if e["data"]["kind"] == kind][-1]


async def test_a_granted_access_export_holds_every_personal_field_and_validates(intake):
    client, texts = personal_details()
    case_id = await whole_journey(intake, client, texts)
    request_id = await request_of(intake, case_id)

    export = await post(intake, f"/cases/{case_id}/data-requests/{request_id}/export", {})

    as_json = json.dumps(export, ensure_ascii=False)
    expected = [*client.values(), *(texts[k] for k in SENT)]
    assert [v for v in expected if str(v) not in as_json] == []
    kinds = [
        e["resource"]["resourceType"]
        for e in Bundle.model_validate(export["fhir"]).model_dump()["entry"]
    ]
    assert kinds == ["Patient", "EpisodeOfCare", "Consent"]
    assert html.escape(client["name"]) in export["html"] and "<script" not in export["html"]
    body = {k: v for k, v in export.items() if k not in ("html", "export_sha256")}
    assert hashlib.sha256(canonical(body)).hexdigest() == export["export_sha256"]
    timeline = (await intake.get(f"/cases/{case_id}/timeline")).json()
    [recorded] = [e for e in timeline if e["type"] == "intake.SubjectAccessExported"]
    assert recorded["data"]["export_sha256"] == export["export_sha256"]


async def test_no_export_for_an_erasure_or_an_undecided_request(intake):
    client, texts = personal_details()
    case_id = await whole_journey(intake, client, texts)
    for kind in ("access", "erasure"):
        await post(
            intake, f"/cases/{case_id}/data-requests", {"kind": kind, "received_on": days_ago(0)}
        )
    undecided = await request_of(intake, case_id, "access")
    erasure = await request_of(intake, case_id, "erasure")
    refusal = {"decision": "refused", "reason": "Art. 17(3)", "decided_on": days_ago(0)}
    await post(intake, f"/cases/{case_id}/data-requests/{erasure}/decision", refusal)
    for request_id in (undecided, erasure):
        response = await intake.post(f"/cases/{case_id}/data-requests/{request_id}/export")
        assert response.status_code == 409, response.text
        assert "not a granted access request" in response.json()["detail"]


async def enquiry_with_a_request(intake, client: dict, notes: str) -> tuple[dict, dict]:
    contact = {k: client[k] for k in ("name", "phone", "email")}
    body = {"site_id": "north", "received_on": days_ago(5), "contact": contact, "notes": notes}
    enquiry = await post(intake, "/enquiries", body)
    path = f"/enquiries/{enquiry['enquiry_id']}/data-requests"
    return enquiry, await post(intake, path, {"kind": "access", "received_on": days_ago(4)})


async def test_someone_who_only_enquired_gets_their_record(intake):
    client, texts = personal_details()
    enquiry, request = await enquiry_with_a_request(intake, client, texts["enquiry_notes"])
    path = f"/cases/{enquiry['case_id']}/data-requests/{request['request_id']}"
    grant = {"decision": "granted", "reason": texts["access_reason"], "decided_on": days_ago(3)}
    await post(intake, f"{path}/decision", grant)

    export = await post(intake, f"{path}/export", {})

    as_json = json.dumps(export, ensure_ascii=False)
    for value in (client["name"], client["email"], texts["enquiry_notes"], texts["access_reason"]):
        assert value in as_json
    assert [e["resource"]["resourceType"] for e in export["fhir"]["entry"]] == ["Patient"]


async def test_the_timeline_shows_enquiry_and_data_requests_in_the_ledgers_order(intake, stack):
    ledger = await LedgerMark.now(stack.url("audit"))
    client, texts = personal_details()
    enquiry, _ = await enquiry_with_a_request(intake, client, texts["enquiry_notes"])
    referral = {"referral_source": "self", "referral_date": days_ago(3), "client": client}
    case = await post(intake, f"/enquiries/{enquiry['enquiry_id']}/referral", referral)
    case_id = case["case_id"]
    await post(
        intake, f"/cases/{case_id}/data-requests", {"kind": "erasure", "received_on": days_ago(2)}
    )

    timeline = [e["type"] for e in (await intake.get(f"/cases/{case_id}/timeline")).json()]
    entries = await ledger.entries_of({case_id}, per_case=len(timeline))

    assert timeline == [
        "intake.EnquiryReceived",
        "intake.DataSubjectRequestReceived",
        "intake.EnquiryConverted",
        "intake.ReferralReceived",
        "intake.DataSubjectRequestReceived",
    ]
    assert [e["type"] for e in sorted(entries, key=lambda e: e["leaf_index"])] == timeline
