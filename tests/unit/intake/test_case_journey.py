"""What the case records as the client moves through intake, treatment and discharge."""

import json
from datetime import date
from uuid import uuid4

from services.intake.codes import (
    CONFIDENTIALITY_AGREEMENT,
    RECORDING_CONSENT,
    THERAPY_CONTRACT,
    sha256_hex,
)
from tests.unit.intake.factories import (
    ALLOCATED_ON,
    ASSESSED_ON,
    DISCHARGED_ON,
    FIRST_SESSION_ON,
    IPAF,
    LATER,
    REASON_DIGEST,
    REFERRED_ON,
    case_at,
    consented,
    meta,
    signed,
)


def event_names(case) -> list[str]:
    return [type(e).__name__ for e in case.collect_events()]


def test_a_suitable_client_joins_the_waiting_list():
    case = case_at("waiting")
    assert (case.status, case.episode_status) == ("waiting", "waitlist")


def test_an_unsuitable_client_is_discharged_with_the_assessment_ending_code():
    case = case_at("assessment_booked")
    case.collect_events()
    case.record_assessment_outcome(
        suitable=False,
        ending_code="11",
        reason="needs a different service",
        assessed_on=LATER,
        meta=meta(),
    )
    assert event_names(case) == ["AssessmentOutcomeRecorded", "CaseDischarged"]
    assert case.ending == {"code": "11", "on": LATER}
    assert (case.status, case.episode_status) == ("discharged", "cancelled")


def test_the_episode_of_care_keeps_its_status_history():
    case = case_at("waiting")
    case.pause(
        paused_from=date(2026, 1, 14),
        reason="client away",
        reason_digest=REASON_DIGEST,
        meta=meta(),
    )
    case.resume(resumed_on=date(2026, 1, 16), meta=meta())
    case.allocate(therapist_id="therapist-1", allocated_on=ALLOCATED_ON, meta=meta())
    case.record_first_treatment_attended(
        attended_on=FIRST_SESSION_ON, appointment_id=None, appointment_type="02", meta=meta()
    )
    case.discharge(ending_code="46", discharged_on=DISCHARGED_ON, meta=meta())
    assert [(h["status"], h["since"]) for h in case.episode_history] == [
        ("planned", REFERRED_ON),
        ("waitlist", ASSESSED_ON),
        ("onhold", date(2026, 1, 14)),
        ("waitlist", date(2026, 1, 16)),
        ("active", ALLOCATED_ON),
        ("finished", DISCHARGED_ON),
    ]


def test_the_waiting_clock_stops_at_the_first_attended_session_less_pauses():
    case = case_at("active")
    case.pause(
        paused_from=date(2026, 1, 20), reason="flu", reason_digest=REASON_DIGEST, meta=meta()
    )
    case.collect_events()
    case.record_first_treatment_attended(
        attended_on=date(2026, 1, 30), appointment_id=None, appointment_type="02", meta=meta()
    )
    events = case.collect_events()
    assert [type(e).__name__ for e in events] == ["PauseEnded", "FirstTreatmentAttended"]
    assert events[1].waited_days == 25 - 10  # 5 Jan to 30 Jan, less the pause from 20 Jan
    assert case.days_waited(today=date(2027, 1, 1)) == 15


def test_reallocation_names_the_previous_therapist():
    case = case_at("active")
    case.collect_events()
    case.reallocate(
        therapist_id="therapist-2",
        reallocated_on=LATER,
        reason="leave",
        reason_digest=REASON_DIGEST,
        meta=meta(),
    )
    [event] = case.collect_events()
    assert (event.therapist_id, event.previous_therapist_id) == ("therapist-2", "therapist-1")
    assert [a["therapist_id"] for a in case.allocations] == ["therapist-1", "therapist-2"]


def test_treatment_may_continue_only_with_both_contract_and_confidentiality_agreement():
    case = case_at("active")
    assert case.missing_consents == [THERAPY_CONTRACT, CONFIDENTIALITY_AGREEMENT]
    case.record_consent(consent_id=uuid4(), signed=signed(RECORDING_CONSENT), meta=meta())
    assert case.missing_consents == [THERAPY_CONTRACT, CONFIDENTIALITY_AGREEMENT]
    assert consented(case).missing_consents == []


def test_a_withdrawal_states_what_it_stops():
    case = consented(case_at("treated"))
    recording, contract = uuid4(), next(iter(case.consents))
    case.record_consent(consent_id=recording, signed=signed(RECORDING_CONSENT), meta=meta())
    stops = case.withdraw_consent(
        consent_id=recording,
        withdrawn_on=LATER,
        reason="-",
        reason_digest=REASON_DIGEST,
        meta=meta(),
    )
    assert stops == ["audio_recording", "supervision_use_of_recordings"]
    assert case.missing_consents == []
    stops = case.withdraw_consent(
        consent_id=contract,
        withdrawn_on=LATER,
        reason="-",
        reason_digest=REASON_DIGEST,
        meta=meta(),
    )
    assert stops == ["treatment_sessions"] and case.missing_consents == [THERAPY_CONTRACT]


def test_every_ipaf_revision_is_kept_with_who_and_when_and_its_digest():
    case = case_at("active")
    first = case.record_ipaf(parts=IPAF, agreed_on=LATER, meta=meta("therapist-1", "therapist"))
    revised = {**IPAF, "affect": "shame"}
    second = case.record_ipaf(parts=revised, agreed_on=DISCHARGED_ON, meta=meta("therapist-2"))
    assert (first, second) == (1, 2)
    assert [(r["recorded_by"], r["agreed_on"]) for r in case.ipaf] == [
        ("therapist-1", LATER),
        ("therapist-2", DISCHARGED_ON),
    ]
    canonical = json.dumps(revised, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert case.ipaf[1]["ipaf_sha256"] == sha256_hex(canonical)


def test_the_goodbye_letter_is_kept_with_its_digest():
    case = case_at("treated")
    case.write_goodbye_letter(text="Dear A, we worked on...", letter_date=LATER, meta=meta())
    assert case.letters[0]["letter_sha256"] == sha256_hex("Dear A, we worked on...")


def test_a_case_discharged_before_treatment_is_a_cancelled_episode():
    case = case_at("waiting")
    case.discharge(ending_code="14", discharged_on=LATER, meta=meta())
    assert (case.status, case.episode_status) == ("discharged", "cancelled")
