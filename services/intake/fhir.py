"""FHIR R4 shapes of a client's intake record, for a subject access export: a Patient (the
personal details), the EpisodeOfCare (status and its history) and a Consent per signed
document. Pure dict building; fhir.resources validates them (subject_access.py)."""

from datetime import date
from typing import Any

from services.intake.codes import site_date
from services.intake.consent import Consent
from services.intake.domain import Case

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LOINC = "http://loinc.org"
POLICY = "urn:rapport:intake:document-template"


def patient(person_id: str, details: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Patient", "id": person_id}
    if details.get("nhs_number"):
        out["identifier"] = [{"system": NHS_NUMBER, "value": details["nhs_number"]}]
    if details.get("name"):
        out["name"] = [{"text": details["name"]}]
    telecom = [{"system": s, "value": details[s]} for s in ("phone", "email") if details.get(s)]
    if telecom:
        out["telecom"] = telecom
    if details.get("address"):
        out["address"] = [{"text": details["address"]}]
    if details.get("date_of_birth"):
        out["birthDate"] = str(details["date_of_birth"])
    return out


def episode_of_care(case: Case) -> dict[str, Any]:
    history = case.episode_history
    ends = [h["since"] for h in history[1:]] + [None]
    out: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "id": str(case.id),
        "status": case.episode_status,
        "statusHistory": [
            {"status": h["status"], "period": _period(h["since"], end)}
            for h, end in zip(history, ends, strict=True)
        ],
        "patient": {"reference": f"Patient/{case.id}"},
        "managingOrganization": {"display": f"site {case.site_id}"},
        "period": _period(case.referral_date, (case.ending or {}).get("on")),
    }
    if case.therapist_id:
        out["careManager"] = {"display": case.therapist_id}
    return out


def consent(case: Case, given: Consent) -> dict[str, Any]:
    scope = "treatment" if given.document == "therapy_contract" else "patient-privacy"
    out: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(given.consent_id),
        "status": "inactive" if given.withdrawn_on else "active",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": scope}]},
        "category": [{"coding": [{"system": LOINC, "code": "59284-0"}], "text": given.document}],
        "patient": {"reference": f"Patient/{case.id}"},
        "dateTime": given.signed_at.isoformat(),
        "policy": [{"uri": f"{POLICY}:{given.document}:v{given.template_version}"}],
        "provision": {"period": _period(site_date(given.signed_at), given.withdrawn_on)},
    }
    if given.signatory_name:
        out["performer"] = [{"display": given.signatory_name}]
    return out


def _period(start: date, end: date | None) -> dict[str, str]:
    return {"start": start.isoformat()} | ({"end": end.isoformat()} if end else {})
