"""Every intake event has a contract and a committed JSON Schema; what Kafka would carry
validates against it and holds no personal detail or free text."""

import inspect
import json
from typing import Any, get_args

import pytest
from eventsourcing.domain import CanMutateAggregate
from jsonschema import Draft202012Validator, FormatChecker

from services.intake import SERVICE, codes
from services.intake.data_requests import DataSubjectRequest
from services.intake.domain import Case
from services.intake.enquiry import Enquiry
from services.intake.templates import DocumentTemplate
from shared.contracts import intake as contracts
from shared.contracts.export import SCHEMAS, committed, generated, published_contracts
from shared.envelope import Envelope
from tests.unit.intake.fakes import InMemoryIntake
from tests.unit.intake.journey import personal_values, run_every_command

AGGREGATES = (Case, Enquiry, DocumentTemplate, DataSubjectRequest)
PERSONAL_FIELD_WORDS = ("name", "phone", "email", "address", "birth", "nhs", "text", "notes")


def domain_event_types() -> set[str]:
    names = {
        name
        for aggregate in AGGREGATES
        for name, value in inspect.getmembers(aggregate, inspect.isclass)
        if issubclass(value, CanMutateAggregate) and name not in {"Event", "Created"}
    }
    return {f"{SERVICE}.{name}" for name in names}


@pytest.fixture(scope="module")
async def envelopes() -> list[dict[str, Any]]:
    intake = InMemoryIntake()
    await run_every_command(intake)
    events = [e for stream in intake.events.values() for e in stream]
    return [Envelope.of(SERVICE, e).model_dump(mode="json") for e in events]


def test_every_domain_event_type_has_a_contract_and_no_contract_lacks_an_event():
    intake_contracts = {t for t in published_contracts() if t.startswith(f"{SERVICE}.")}
    assert domain_event_types() == intake_contracts


def test_the_journey_produces_every_event_type(envelopes):
    assert {e["type"] for e in envelopes} == domain_event_types()


def test_every_event_produced_validates_against_its_committed_schema(envelopes):
    for envelope in envelopes:
        schema = json.loads((SCHEMAS / f"{envelope['type']}.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(envelope)


def test_the_committed_schemas_equal_freshly_generated_ones():
    assert committed() == generated(), "run `make schemas` and commit the files"


def test_no_event_carries_a_personal_detail_or_free_text(envelopes):
    published = json.dumps(envelopes, ensure_ascii=False).lower()
    leaked = [value for value in personal_values() if value.lower() in published]
    assert leaked == []


def test_no_contract_field_is_named_like_a_personal_detail_or_a_text():
    for contract in published_contracts().values():
        for field in contract.model_fields:
            if not field.endswith("_sha256"):
                assert not any(word in field for word in PERSONAL_FIELD_WORDS), (contract, field)


@pytest.mark.parametrize(
    ("vocabulary", "domain"),
    [
        (contracts.ReferralSource, codes.REFERRAL_SOURCES),
        (contracts.AssessmentEndingCode, tuple(codes.NOT_TAKEN_ON_ENDINGS)),
        (contracts.TreatedEndingCode, tuple(codes.TAKEN_ON_ENDINGS)),
        (contracts.TreatmentAppointmentType, codes.TREATMENT_APPOINTMENTS),
        (contracts.DocumentKind, codes.DOCUMENT_KINDS),
        (contracts.ConsentMethod, codes.CONSENT_METHODS),
        (contracts.Signatory, codes.SIGNATORIES),
        (contracts.EnquiryClosure, codes.ENQUIRY_CLOSURES),
        (contracts.DataRequestKind, codes.DATA_REQUEST_KINDS),
        (contracts.Decision, codes.DECISIONS),
    ],
    ids=lambda v: getattr(v, "__name__", None) or "codes",
)
def test_the_contract_vocabularies_equal_the_domain_codes(vocabulary, domain):
    assert set(get_args(vocabulary)) == set(domain)


def test_what_a_withdrawal_stops_is_in_the_contract_vocabulary():
    stops = {effect for effects in codes.WITHDRAWAL_STOPS.values() for effect in effects}
    assert stops == set(get_args(contracts.WithdrawalEffect))
