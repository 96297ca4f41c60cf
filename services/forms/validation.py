"""Item-by-item validation of a response against the questionnaire versions its form was
issued with. Every refusal names the item (`responses.<key>.answers.<link id>`). Pure."""

from dataclasses import dataclass

from services.forms import catalogue
from services.forms.catalogue import Questionnaire
from services.forms.errors import InvalidInput
from services.forms.scoring import Answers


@dataclass(frozen=True)
class Answered:
    """One questionnaire's answers, as the client or staff member gave them."""

    questionnaire: str
    version: int
    answers: Answers


def validate(
    issued: list[str], optional: list[str], responses: list[Answered]
) -> dict[str, tuple[Questionnaire, Answers]]:
    """The valid answers by questionnaire key, or InvalidInput naming the first fault."""
    versions = dict(ref.split("|") for ref in issued)
    valid: dict[str, tuple[Questionnaire, Answers]] = {}
    for response in responses:
        key = response.questionnaire
        field = f"responses.{key}"
        if key not in versions:
            raise InvalidInput(f"{field}.questionnaire", f"{key!r} is not on this form")
        if key in valid:
            raise InvalidInput(field, "answered twice")
        if response.version != int(versions[key]):
            age = "an older" if response.version < int(versions[key]) else "another"
            message = f"answers {age} version ({response.version}) than the form's"
            raise InvalidInput(f"{field}.version", f"{message} ({versions[key]})")
        questionnaire = catalogue.get(key, response.version)
        assert questionnaire is not None  # a form is only issued with published versions
        valid[key] = (questionnaire, _checked(questionnaire, response.answers, field))
    for key in versions:
        if key not in valid and key not in optional:
            raise InvalidInput(f"responses.{key}", "this questionnaire is required")
    return valid


def _checked(questionnaire: Questionnaire, answers: Answers, field: str) -> Answers:
    for link_id in answers:
        if questionnaire.item(link_id) is None:
            raise InvalidInput(f"{field}.answers.{link_id}", f"no such item in {questionnaire.ref}")
    checked: Answers = {}
    for item in questionnaire.items:
        name = f"{field}.answers.{item.link_id}"
        value = answers.get(item.link_id)
        if value is None or (item.is_text and not value.strip()):
            if item.required:
                raise InvalidInput(name, "required: please answer this question")
            continue
        if item.is_text:
            if len(value) > item.max_length:
                raise InvalidInput(name, f"at most {item.max_length} characters")
        elif item.option(value) is None:
            codes = ", ".join(o.code for o in item.options)
            raise InvalidInput(name, f"{value!r} is not one of the options ({codes})")
        checked[item.link_id] = value
    return checked
