"""Personal details and free texts that the e2e tests send to the intake service, in one
place. The privacy test (test_intake_kafka_privacy.py) sends them marked with a token of its
own run and looks for them everywhere outside intake's store."""

import random
from typing import Any

from tests.support.clock import days_ago  # noqa: F401  (the services' clock, for the tests)


def fresh_nhs_number() -> str:
    """A valid NHS number no other referral is likely to hold (intake refuses a second
    referral for an NHS number whose case is open, unless a new episode)."""
    while True:
        nine = "".join(random.choice("0123456789") for _ in range(9))
        total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10 and len(set(nine + str(check))) > 1:
            return nine + str(check)


class People(dict[str, dict[str, Any]]):
    """Each look-up is a new client like the one named: a copy with an NHS number of its own."""

    def __getitem__(self, key: str) -> dict[str, Any]:
        person = dict(super().__getitem__(key))
        if "nhs_number" in person:
            person["nhs_number"] = fresh_nhs_number()
        return person


CLIENTS = People(
    {
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
)

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
