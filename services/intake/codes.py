"""Codes and value rules of the intake domain (DOMAIN.md). Pure: the standard library only.

The public vocabulary of these codes is also declared in shared/contracts/intake.py; a unit
test keeps the two equal.
"""

import hashlib
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

# Dates are the sites' dates: an instant (a consent's signature) falls on its London date.
SITE_ZONE = ZoneInfo("Europe/London")


def site_date(moment: datetime) -> date:
    return moment.astimezone(SITE_ZONE).date()


REFERRAL_SOURCES = ("self", "gp", "other_professional", "other")

# NHS Talking Therapies ending codes, by whether the client was taken on for treatment.
NOT_TAKEN_ON_ENDINGS = {
    "50": "not assessed",
    "10": "not suitable, no action or back to referrer",
    "11": "not suitable, signposted",
    "12": "discharged after advice and support",
    "13": "referred to another service",
    "14": "declined the treatment offered",
    "16": "incomplete assessment (dropped out)",
}
TAKEN_ON_ENDINGS = {
    "46": "mutually agreed completion",
    "47": "ended earlier than the clinician planned",
    "48": "ended earlier than the client requested",
    "49": "deceased (after being taken on for treatment)",
    "96": "not known (after being taken on for treatment)",
}
ENDING_CODES = {**NOT_TAKEN_ON_ENDINGS, **TAKEN_ON_ENDINGS}
NOT_ASSESSED = "50"

ASSESSMENT_APPOINTMENT = "01"
TREATMENT_APPOINTMENTS = ("02", "03", "05")

THERAPY_CONTRACT = "therapy_contract"
CONFIDENTIALITY_AGREEMENT = "confidentiality_agreement"
RECORDING_CONSENT = "recording_consent"
DOCUMENT_KINDS = (THERAPY_CONTRACT, CONFIDENTIALITY_AGREEMENT, RECORDING_CONSENT)
# Both must be signed (and not withdrawn) for treatment to go on past the first session.
REQUIRED_FOR_TREATMENT = (THERAPY_CONTRACT, CONFIDENTIALITY_AGREEMENT)
# What a withdrawal of each kind of consent stops.
WITHDRAWAL_STOPS = {
    THERAPY_CONTRACT: ("treatment_sessions",),
    CONFIDENTIALITY_AGREEMENT: ("treatment_sessions",),
    RECORDING_CONSENT: ("audio_recording", "supervision_use_of_recordings"),
}
CONSENT_METHODS = ("paper_scanned", "electronic")
SIGNATORIES = ("client", "representative")

IPAF_PARTS = ("self_representation", "other_representation", "affect", "defensive_function")

ENQUIRY_CLOSURES = ("no_referral_wanted", "no_contact", "signposted_elsewhere", "other")
DATA_REQUEST_KINDS = ("access", "erasure")
DECISIONS = ("granted", "refused")
# UK GDPR Art. 17(3): no erasure of care records kept under a duty of confidentiality.
ERASURE_EXEMPTION = "uk_gdpr_art_17_3"

SIX_WEEKS_DAYS = 42
EIGHTEEN_WEEKS_DAYS = 126


def is_valid_nhs_number(value: str) -> bool:
    """Ten digits whose last is the modulus-11 check digit of the first nine."""
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    if len(set(digits)) == 1:  # 0000000000 and the like pass the check but are never issued
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[9])


def sha256_hex(text: str) -> str:
    """The digest Kafka carries in place of a free text (UTF-8)."""
    return hashlib.sha256(text.encode()).hexdigest()


def keyed_reason_v1_v2(state: dict) -> None:
    """Upcast an event recorded with the reason's bare SHA-256 to the keyed digest's shape,
    saying which it is (services/intake/digests.py). An event already in that shape (the
    first keyed build wrote pauses and withdrawals without their version) stays as it is."""
    if "reason_sha256" in state:
        digest = state.pop("reason_sha256")
        state["reason_digest"] = {"alg": "sha256", "key_id": None, "hex": digest}


def digest_of_parts(parts: dict[str, str]) -> str:
    """Digest of several texts: SHA-256 of their canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_hex(canonical)


def ending_refusal(code: str, taken_on: bool, assessed: object) -> str | None:
    """Why an ending code does not fit the case, or None. Codes 46-49 and 96 are for
    clients taken on for treatment (a first treatment session attended), the others for
    clients who were not; 50 (not assessed) only before an assessment outcome."""
    if taken_on and code not in TAKEN_ON_ENDINGS:
        return f"code {code} is for clients not taken on for treatment"
    if not taken_on and code in TAKEN_ON_ENDINGS:
        return f"code {code} is for clients taken on for treatment, and none attended yet"
    if code == NOT_ASSESSED and assessed:
        return "the client was assessed"
    return None
