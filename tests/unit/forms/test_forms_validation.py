"""A response is validated item by item against the versions its form was issued with;
each refusal names the item. Hypothesis: every valid response is accepted, scored as the
sum of its items, and flagged whenever PHQ-9 item 9 is above 0."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.forms import catalogue
from services.forms.errors import InvalidInput
from services.forms.risk_rules import assess
from services.forms.scoring import score
from services.forms.validation import Answered, validate
from tests.unit.forms.factories import pre_session

ISSUED = ["phq9|1", "gad7|1", "risk|1", "wsas|1"]
OPTIONAL = ["wsas"]


def refused(given: list[Answered]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        validate(ISSUED, OPTIONAL, given)
    return caught.value


def test_a_complete_response_is_accepted_and_the_optional_wsas_may_be_left_out() -> None:
    assert set(validate(ISSUED, OPTIONAL, pre_session())) == {"phq9", "gad7", "risk"}


def test_a_missing_required_item_is_named() -> None:
    answers = pre_session()
    del answers[0].answers["phq9-4"]
    error = refused(answers)
    assert error.field == "responses.phq9.answers.phq9-4" and "required" in error.message


def test_an_answer_not_among_the_options_is_named_with_the_options() -> None:
    answers = pre_session()
    answers[1].answers["gad7-2"] = "4"
    error = refused(answers)
    assert error.field == "responses.gad7.answers.gad7-2" and "0, 1, 2, 3" in error.message


def test_an_unknown_link_id_is_named() -> None:
    answers = pre_session()
    answers[2].answers["risk-99"] = "yes"
    assert refused(answers).field == "responses.risk.answers.risk-99"


def test_an_answer_to_an_older_version_than_the_one_issued_is_refused() -> None:
    answers = pre_session()
    error = None
    with pytest.raises(InvalidInput) as caught:
        validate(["phq9|2", "gad7|1", "risk|1"], [], answers)
    error = caught.value
    assert error.field == "responses.phq9.version" and "older" in error.message


def test_a_missing_required_questionnaire_and_one_not_on_the_form_are_named() -> None:
    assert refused(pre_session()[:2]).field == "responses.risk"
    extra = [*pre_session(), Answered("peq", 1, {})]
    assert refused(extra).field == "responses.peq.questionnaire"


def _valid_answers(key: str) -> st.SearchStrategy[dict[str, str]]:
    q = catalogue.latest(key)
    return st.fixed_dictionaries(
        {i.link_id: st.sampled_from([o.code for o in i.options]) for i in q.items}
    )


@given(phq9=_valid_answers("phq9"), gad7=_valid_answers("gad7"), risk=_valid_answers("risk"))
def test_no_valid_response_is_refused_and_totals_are_item_sums(phq9, gad7, risk) -> None:  # type: ignore[no-untyped-def]
    given_ = [Answered("phq9", 1, phq9), Answered("gad7", 1, gad7), Answered("risk", 1, risk)]
    valid = validate(ISSUED, OPTIONAL, given_)
    for _key, (q, answers) in valid.items():
        expected = sum(q.item(k).option(v).score for k, v in answers.items())  # type: ignore[union-attr]
        assert score(q, answers).total == expected


@given(phq9=_valid_answers("phq9"), risk=_valid_answers("risk"))
def test_every_response_with_phq9_item9_above_0_is_flagged(phq9, risk) -> None:  # type: ignore[no-untyped-def]
    scores = {
        "phq9": score(catalogue.latest("phq9"), phq9),
        "risk": score(catalogue.latest("risk"), risk),
    }
    result = assess(scores)
    if int(phq9["phq9-9"]) > 0:
        assert result.flagged and "phq9_item9" in result.codes
