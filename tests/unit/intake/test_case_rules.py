"""Refusals that depend on more than the stage: pauses, treatment, endings, consents."""

from datetime import date
from uuid import uuid4

import pytest

from services.intake import errors
from tests.unit.intake.factories import (
    FIRST_SESSION_ON,
    LATER,
    REASON_DIGEST,
    REFERRED_ON,
    case_at,
    meta,
    signed,
)


def test_pausing_a_paused_clock_is_refused_and_says_since_when():
    case = case_at("waiting")
    case.pause(paused_from=LATER, reason="in hospital", reason_digest=REASON_DIGEST, meta=meta())
    with pytest.raises(errors.CaseIsPaused, match="the case is waiting \\(paused since 2026-02-02"):
        case.pause(paused_from=LATER, reason="again", reason_digest=REASON_DIGEST, meta=meta())


def test_resuming_a_clock_that_is_not_paused_is_refused():
    with pytest.raises(errors.CaseNotPaused, match="the case is waiting"):
        case_at("waiting").resume(resumed_on=LATER, meta=meta())


def test_the_clock_cannot_be_paused_once_treatment_started():
    with pytest.raises(errors.TreatmentAlreadyStarted, match="the clock has stopped"):
        case_at("treated").pause(
            paused_from=LATER, reason="holiday", reason_digest=REASON_DIGEST, meta=meta()
        )


def test_a_pause_cannot_start_before_the_referral_or_end_before_it_started():
    case = case_at("waiting")
    with pytest.raises(errors.InvalidInput) as early:
        case.pause(
            paused_from=date(2025, 12, 1), reason="away", reason_digest=REASON_DIGEST, meta=meta()
        )
    case.pause(paused_from=LATER, reason="away", reason_digest=REASON_DIGEST, meta=meta())
    with pytest.raises(errors.InvalidInput) as backwards:
        case.resume(resumed_on=REFERRED_ON, meta=meta())
    assert (early.value.field, backwards.value.field) == ("paused_from", "resumed_on")


def test_the_first_treatment_session_is_recorded_once():
    with pytest.raises(errors.TreatmentAlreadyStarted, match="it was on 2026-01-26"):
        case_at("treated").record_first_treatment_attended(
            attended_on=LATER, appointment_id=None, appointment_type="02", meta=meta()
        )


def test_the_goodbye_letter_needs_a_treatment_session_first():
    with pytest.raises(errors.TreatmentNotStarted, match="the case is active"):
        case_at("active").write_goodbye_letter(text="Dear A", letter_date=LATER, meta=meta())


def test_reallocation_to_the_same_therapist_is_refused():
    with pytest.raises(errors.SameTherapist, match="allocated to therapist-1 already"):
        case_at("active").reallocate(
            therapist_id="therapist-1",
            reallocated_on=LATER,
            reason="-",
            reason_digest=REASON_DIGEST,
            meta=meta(),
        )


@pytest.mark.parametrize(
    ("stage", "code", "why"),
    [
        ("waiting", "46", "for clients taken on for treatment"),
        ("active", "96", "for clients taken on for treatment"),
        ("treated", "14", "for clients not taken on for treatment"),
        ("waiting", "50", "the client was assessed"),
    ],
)
def test_an_ending_code_must_fit_whether_treatment_started(stage, code, why):
    with pytest.raises(errors.EndingCodeNotApplicable, match=why):
        case_at(stage).discharge(ending_code=code, discharged_on=LATER, meta=meta())


def test_an_unknown_ending_code_is_invalid_input_naming_the_field():
    with pytest.raises(errors.InvalidInput) as invalid:
        case_at("treated").discharge(ending_code="99", discharged_on=LATER, meta=meta())
    assert invalid.value.field == "ending_code"


@pytest.mark.parametrize(
    ("suitable", "code"), [(True, "10"), (False, None), (False, "46")], ids=str
)
def test_an_assessment_outcome_has_an_assessment_ending_code_exactly_when_not_suitable(
    suitable, code
):
    with pytest.raises(errors.InvalidInput) as invalid:
        case_at("assessment_booked").record_assessment_outcome(
            suitable=suitable, ending_code=code, reason="-", assessed_on=LATER, meta=meta()
        )
    assert invalid.value.field == "ending_code"


def test_a_consent_is_withdrawn_once():
    case = case_at("active")
    consent_id = uuid4()
    case.record_consent(consent_id=consent_id, signed=signed(), meta=meta())
    case.withdraw_consent(
        consent_id=consent_id,
        withdrawn_on=LATER,
        reason="-",
        reason_digest=REASON_DIGEST,
        meta=meta(),
    )
    with pytest.raises(errors.ConsentAlreadyWithdrawn, match="the consent is withdrawn on"):
        case.withdraw_consent(
            consent_id=consent_id,
            withdrawn_on=LATER,
            reason="-",
            reason_digest=REASON_DIGEST,
            meta=meta(),
        )


def test_withdrawing_a_consent_the_case_does_not_have_is_not_found():
    with pytest.raises(errors.NotFound):
        case_at("active").withdraw_consent(
            consent_id=uuid4(),
            withdrawn_on=LATER,
            reason="-",
            reason_digest=REASON_DIGEST,
            meta=meta(),
        )


def test_a_representative_signature_names_the_representative():
    with pytest.raises(errors.InvalidInput) as invalid:
        case_at("active").record_consent(
            consent_id=uuid4(), signed=signed(signed_by="representative"), meta=meta()
        )
    assert invalid.value.field == "signatory_name"


def test_the_ipaf_has_exactly_its_four_parts():
    with pytest.raises(errors.InvalidInput) as invalid:
        case_at("active").record_ipaf(parts={"affect": "x"}, agreed_on=LATER, meta=meta())
    assert invalid.value.field == "parts"


def test_treatment_cannot_be_attended_before_the_allocation():
    with pytest.raises(errors.InvalidInput) as invalid:
        case_at("active").record_first_treatment_attended(
            attended_on=REFERRED_ON, appointment_id=None, appointment_type="02", meta=meta()
        )
    assert invalid.value.field == "attended_on" and FIRST_SESSION_ON > REFERRED_ON
