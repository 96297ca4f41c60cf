"""Small builders of intake domain objects at each stage of a case, with fixed dates."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from services.intake.codes import CONFIDENTIALITY_AGREEMENT, THERAPY_CONTRACT
from services.intake.consent import SignedConsent
from services.intake.domain import Case

REFERRED_ON = date(2026, 1, 5)
ASSESSED_ON = date(2026, 1, 12)
ALLOCATED_ON = date(2026, 1, 19)
FIRST_SESSION_ON = date(2026, 1, 26)
LATER = date(2026, 2, 2)  # a date every stage's commands accept
DISCHARGED_ON = date(2026, 5, 11)
IPAF = {
    "self_representation": "unseen, easily dismissed",
    "other_representation": "busy, critical",
    "affect": "anxious resentment",
    "defensive_function": "avoids the fear of being abandoned",
}


# A reason's keyed digest as the application makes it (services/intake/digests.py).
REASON_DIGEST = {"alg": "hmac-sha256", "key_id": "intake-test", "hex": "0" * 64}


def meta(actor: str = "staff-1", role: str = "intake_worker") -> dict[str, Any]:
    return {"actor": {"id": actor, "role": role}, "correlation_id": str(uuid4())}


def signed(document: str = THERAPY_CONTRACT, **overrides: Any) -> SignedConsent:
    values = {
        "document": document,
        "template_version": 1,
        "template_sha256": "a" * 64,
        "signed_by": "client",
        "signatory_name": None,
        "witnessed_by": "therapist-1",
        "method": "electronic",
        "signed_at": datetime(2026, 1, 26, 10, tzinfo=UTC),
    }
    return SignedConsent(**{**values, **overrides})


def referred(**overrides: Any) -> Case:
    values = {
        "id": uuid4(),
        "referral_source": "gp",
        "referral_date": REFERRED_ON,
        "site_id": "north",
        "client": {"name": "Test Client", "nhs_number": "9434765919"},
        "meta": meta(),
    }
    return Case(**{**values, **overrides})


def case_at(stage: str) -> Case:
    """A case at `stage`: referred, assessment_booked, waiting, active, treated, discharged."""
    case = referred()
    steps = [
        lambda: case.book_assessment(
            appointment_id=uuid4(),
            scheduled_for=datetime(2026, 1, 12, 10, tzinfo=UTC),
            assessor_id="assessor-1",
            meta=meta(),
        ),
        lambda: case.record_assessment_outcome(
            suitable=True,
            ending_code=None,
            reason="suits DIT",
            assessed_on=ASSESSED_ON,
            meta=meta(),
        ),
        lambda: case.allocate(therapist_id="therapist-1", allocated_on=ALLOCATED_ON, meta=meta()),
        lambda: case.record_first_treatment_attended(
            attended_on=FIRST_SESSION_ON, appointment_id=None, appointment_type="02", meta=meta()
        ),
        lambda: case.discharge(ending_code="46", discharged_on=DISCHARGED_ON, meta=meta()),
    ]
    order = ["referred", "assessment_booked", "waiting", "active", "treated", "discharged"]
    for step in steps[: order.index(stage)]:
        step()
    return case


def consented(case: Case) -> Case:
    for document in (THERAPY_CONTRACT, CONFIDENTIALITY_AGREEMENT):
        case.record_consent(consent_id=uuid4(), signed=signed(document), meta=meta())
    return case
