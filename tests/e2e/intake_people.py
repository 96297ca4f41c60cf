"""Every personal detail and free text that the e2e tests send to the intake service, in one
place. The Kafka privacy check (test_intake_kafka_privacy.py) looks for each of them in every
message the intake topic received during the run; tests take their values from here so
the check cannot drift from what was sent."""

from datetime import date, timedelta
from typing import Any

CLIENTS: dict[str, dict[str, Any]] = {
    "rosalind": {
        "name": "Rosalind Achterberg",
        "phone": "07700 900314",
        "email": "rosalind.achterberg@example.net",
        "address": "3 Quarry Lane, Todmorden",
        "date_of_birth": "1984-07-19",
        "nhs_number": "4347712782",
    },
    "tobias": {
        "name": "Tobias Wrenfield",
        "phone": "07700 900627",
        "email": "t.wrenfield@example.com",
        "date_of_birth": "1971-11-03",
        "nhs_number": "4423938499",
    },
    "ines": {
        "name": "Ines Halloran-Kowalczyk",
        "email": "ines.hk@example.org",
        "nhs_number": "4097402358",
    },
    "osric": {"name": "Osric Penhaligon", "phone": "07700 900845"},
}

TEXTS = {
    "enquiry_notes": "Asked whether the service can help after her father's stroke",
    "pause_reason": "Away caring for her father in Aberystwyth for a fortnight",
    "suitable_reason": "Recurrent pattern of appeasing a dismissive other; motivated",
    "unsuitable_reason": "Primary need is bereavement support; signposted to Cruse",
    "reallocation_reason": "First therapist moved to the Halifax site",
    "withdrawal_reason": "Uneasy about recordings being kept after her sessions",
    "self_representation": "The dependable one who never asks for anything",
    "other_representation": "Preoccupied and quietly disappointed in her",
    "affect": "Resentment she turns into guilt",
    "defensive_function": "Keeps her safe from being seen as needy and left",
    "revised_affect": "Resentment that tips into shame and exhaustion",
    "goodbye_letter": "Dear Rosalind, across our sixteen sessions we kept returning to...",
    "access_reason": "Copy of the record sent by recorded delivery after identity checks",
    "erasure_reason": "Care record kept under a duty of confidentiality, Art. 17(3)",
    "contract_text": "Therapy contract: sixteen weekly sessions of fifty minutes...",
    "confidentiality_text": "What we keep confidential, and when we must share it...",
    "recording_text": "Audio recordings are used in supervision and deleted after...",
}

# Sent by tests/e2e/test_referral_reaches_ledger.py (kept here so the check covers them).
OTHER_TESTS = ["Ada Example", "07700 900123", "ada@example.org"]


def days_ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def personal_values() -> list[str]:
    values = [str(v) for client in CLIENTS.values() for v in client.values()]
    values += [v.replace(" ", "") for c in CLIENTS.values() for v in c.values() if " " in v]
    values += [word for c in CLIENTS.values() for word in c["name"].split() if len(word) > 3]
    return sorted({*values, *TEXTS.values(), *OTHER_TESTS})
