"""The audit replay applies each data-subject decision to the request it decides, whatever
order requests and decisions arrive in."""

import uuid

from services.audit import folds
from tests.support.ledger_data import envelope


def _event(case_id: uuid.UUID, version: int, request_id: uuid.UUID, kind: str, data: dict):
    event_type = f"intake.DataSubjectRequest{kind}"
    event = envelope(event_type, case_id=case_id, version=version, data=data)
    return event.model_copy(update={"originator_id": request_id}).model_dump(mode="json")


def test_decisions_apply_to_their_own_request_not_the_latest():
    case_id, erasure, access = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    digest = "0" * 64
    events = [
        envelope(case_id=case_id).model_dump(mode="json"),
        _event(case_id, 2, erasure, "Received", {"kind": "erasure", "received_on": "2025-04-01"}),
        _event(case_id, 3, access, "Received", {"kind": "access", "received_on": "2025-04-02"}),
        _event(
            case_id,
            4,
            erasure,
            "Decided",
            {
                "decision": "refused",
                "decided_on": "2025-04-03",
                "legal_basis": "uk_gdpr_art_17_3",
                "reason_sha256": digest,
            },
        ),
        _event(
            case_id,
            5,
            access,
            "Decided",
            {
                "decision": "granted",
                "decided_on": "2025-04-04",
                "legal_basis": None,
                "reason_sha256": digest,
            },
        ),
    ]

    requests = folds.rebuild(events).state["data_requests"]

    by_id = {r["request_id"]: r for r in requests}
    assert by_id[str(erasure)]["kind"] == "erasure"
    assert by_id[str(erasure)]["decision"] == "refused"
    assert by_id[str(erasure)]["legal_basis"] == "uk_gdpr_art_17_3"
    assert by_id[str(access)]["kind"] == "access"
    assert (by_id[str(access)]["decision"], by_id[str(access)]["legal_basis"]) == ("granted", None)
    assert len(requests) == 2


def test_an_export_and_a_correction_show_in_the_replay_without_personal_values():
    case_id, access = uuid.uuid4(), uuid.uuid4()
    digest = "1" * 64
    events = [
        envelope(case_id=case_id).model_dump(mode="json"),
        envelope("intake.ClientDetailsCorrected", case_id=case_id, version=2,
                 data={"fields": ["name"], "corrected_on": "2025-04-01"}).model_dump(mode="json"),
        _event(case_id, 3, access, "Received", {"kind": "access", "received_on": "2025-04-02"}),
        _event(case_id, 4, access, "Decided", {"decision": "granted", "decided_on": "2025-04-03",
               "legal_basis": None, "reason_sha256": digest}),
    ]  # fmt: skip
    export = envelope("intake.SubjectAccessExported", case_id=case_id, version=5,
                      data={"export_sha256": digest, "exported_on": "2025-04-04"})  # fmt: skip
    events.append(export.model_copy(update={"originator_id": access}).model_dump(mode="json"))

    state = folds.rebuild(events).state

    assert state["corrections"] == [{"fields": ["name"], "corrected_on": "2025-04-01",
                                     "by": "staff-1"}]  # fmt: skip
    [request] = state["data_requests"]
    assert request["exports"] == [{"export_sha256": digest, "exported_on": "2025-04-04"}]
