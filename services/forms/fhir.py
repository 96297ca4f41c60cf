"""FHIR R4 JSON of the service's records: Questionnaire, QuestionnaireResponse, Flag.
Pure dict building; the fhir.resources package validates them (tests, and the export route).
"""

from typing import Any

from services.forms.catalogue import Questionnaire

BASE = "https://rapport.example/fhir"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def canonical(q: Questionnaire) -> str:
    return f"{BASE}/Questionnaire/{q.key}|{q.version}"


def questionnaire(q: Questionnaire) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": f"{q.key}-{q.version}",
        "url": f"{BASE}/Questionnaire/{q.key}",
        "version": str(q.version),
        "name": q.key.upper(),
        "title": q.title,
        "status": "active",
        "description": q.instructions or q.title,
        "item": [_item(i) for i in q.items],
    }


def _item(item: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text,
                           "type": "text" if item.is_text else "choice",
                           "required": item.required}  # fmt: skip
    if item.is_text:
        out["maxLength"] = item.max_length
        return out
    out["answerOption"] = [_option(o) for o in item.options]
    return out


def _option(option: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"valueCoding": {"code": option.code, "display": option.display}}
    if option.score is not None:
        out["extension"] = [{"url": ORDINAL, "valueDecimal": option.score}]
    return out


def questionnaire_response(
    form_id: str, case_id: str, answered: list[Questionnaire], answers: dict[str, dict[str, str]],
    authored: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """One QuestionnaireResponse per questionnaire answered (each names its version)."""
    return [
        {
            "resourceType": "QuestionnaireResponse",
            "id": f"{form_id}-{q.key}",
            "questionnaire": canonical(q),
            "status": "completed",
            "subject": {"reference": f"Patient/{case_id}"},
            "authored": authored,
            "item": [
                _answer_item(q, link_id, value) for link_id, value in answers.get(q.key, {}).items()
            ],
        }
        for q in answered
    ]


def _answer_item(q: Questionnaire, link_id: str, value: str) -> dict[str, Any]:
    item = q.item(link_id)
    assert item is not None
    option = item.option(value)
    if option is None:
        return {"linkId": link_id, "text": item.text, "answer": [{"valueString": value}]}
    coding = {"code": option.code, "display": option.display}
    return {"linkId": link_id, "text": item.text, "answer": [{"valueCoding": coding}]}


def flag(row: dict[str, Any]) -> dict[str, Any]:
    """A risk flag as a FHIR Flag: active until acknowledged."""
    return {
        "resourceType": "Flag",
        "id": str(row["flag_id"]),
        "status": "inactive" if row["acknowledged_at"] else "active",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                        "code": "clinical",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": f"{BASE}/CodeSystem/risk-rule", "code": c} for c in row["codes"]],
            "text": f"risk level {row['level']}",
        },
        "subject": {"reference": f"Patient/{row['case_id']}"},
        "period": {"start": row["raised_at"].isoformat()},
    }
