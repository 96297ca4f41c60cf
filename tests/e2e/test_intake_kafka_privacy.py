"""No personal detail or free text appears in any message the intake topic received during
this test run, and every message validates against the JSON Schema of its event type.

Runs after every other test (marker `after_the_rest`). It looks for each value the e2e tests
sent (intake_people.py), and for the client details of every case on the topic, read back
from the intake service, so values sent by other tests are covered too."""

import json
from uuid import UUID

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from shared.contracts.export import SCHEMAS
from shared.kafka import topic_of
from tests.conftest import KAFKA
from tests.e2e.intake_people import CLIENTS, TEXTS, days_ago, personal_values
from tests.support.topics import read_since

pytestmark = pytest.mark.after_the_rest


async def sentinel_case(intake) -> str:
    """A last referral: once its event is on the topic, the earlier ones are too."""
    body = {"referral_source": "self", "referral_date": days_ago(0), "site_id": "north"}
    response = await intake.post("/referrals", json={**body, "client": CLIENTS["rosalind"]})
    assert response.status_code == 201, response.text
    return response.json()["case_id"]


async def client_details_of(intake, case_ids: set[str]) -> set[str]:
    values = set()
    for case_id in case_ids:
        response = await intake.get(f"/cases/{case_id}")
        if response.status_code == 200:
            values |= {v for v in response.json()["client"].values() if len(v) >= 6}
    return values


def validate(envelope: dict) -> None:
    schema = json.loads((SCHEMAS / f"{envelope['type']}.json").read_text())
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(envelope)


async def test_no_intake_message_of_this_run_holds_a_personal_value_and_all_fit_their_schema(
    intake, intake_topic_start
):
    sentinel = await sentinel_case(intake)

    def sentinel_arrived(records) -> bool:
        return any(r.key == sentinel.encode() for r in records)

    records = await read_since(KAFKA, topic_of("intake"), intake_topic_start, sentinel_arrived)
    envelopes = [json.loads(r.value) for r in records]
    case_ids = {e["case_id"] for e in envelopes if e["case_id"]}
    looked_for = set(personal_values()) | await client_details_of(intake, case_ids)
    leaks = [
        (envelope["type"], value)
        for record, envelope in zip(records, envelopes, strict=True)
        for value in looked_for
        if value.lower() in _text_of(record).lower()
    ]

    assert leaks == []
    assert len(case_ids) > 1 and UUID(sentinel)
    assert TEXTS["goodbye_letter"] in looked_for and len(looked_for) > 40
    for envelope in envelopes:
        validate(envelope)


def _text_of(record) -> str:
    """Everything a message carries: key, headers and value (raw and JSON-unescaped)."""
    headers = " ".join(f"{k}={v.decode(errors='replace')}" for k, v in record.headers)
    value = record.value.decode(errors="replace")
    return " ".join([(record.key or b"").decode(), headers, value, json.dumps(json.loads(value))])
