"""The FHIR JSON the service exports validates with fhir.resources (R4B, R4's successor
with the same Questionnaire, QuestionnaireResponse and Flag)."""

from datetime import UTC, datetime
from uuid import uuid4

from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from services.forms import catalogue, fhir
from tests.unit.forms.factories import phq9, risk


def test_a_response_exports_as_questionnaire_responses_naming_their_versions() -> None:
    answered = [catalogue.latest("phq9"), catalogue.latest("risk"), catalogue.latest("peq")]
    answers = {"phq9": phq9(item9=1), "risk": risk(risk_1=1), "peq": {"peq-9": "Thanks"}}
    resources = fhir.questionnaire_response(str(uuid4()), str(uuid4()), answered, answers,
                                            datetime.now(UTC).isoformat())  # fmt: skip
    parsed = [QuestionnaireResponse.model_validate(r) for r in resources]
    assert [p.questionnaire.rsplit("/", 1)[1] for p in parsed] == ["phq9|1", "risk|1", "peq|1"]
    item9 = next(i for i in parsed[0].item if i.linkId == "phq9-9")
    assert item9.answer[0].valueCoding.code == "1"
    assert parsed[2].item[0].answer[0].valueString == "Thanks"


def test_an_open_flag_is_an_active_fhir_flag_and_an_acknowledged_one_inactive() -> None:
    row = {"flag_id": uuid4(), "case_id": uuid4(), "codes": ["phq9_item9"], "level": "medium",
           "raised_at": datetime.now(UTC), "acknowledged_at": None}  # fmt: skip
    assert Flag.model_validate(fhir.flag(row)).status == "active"
    row["acknowledged_at"] = datetime.now(UTC)
    assert Flag.model_validate(fhir.flag(row)).status == "inactive"
