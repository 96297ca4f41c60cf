"""Each risk rule, the level it gives and when it escalates to the duty clinician."""

import pytest

from services.forms import catalogue
from services.forms.risk_rules import ALL_CODES, CURRENT, RULES, assess
from services.forms.scoring import score
from tests.unit.forms.factories import phq9, risk


def scores(phq9_answers=None, risk_answers=None):  # type: ignore[no-untyped-def]
    return {
        "phq9": score(catalogue.latest("phq9"), phq9_answers or phq9()),
        "risk": score(catalogue.latest("risk"), risk_answers or risk()),
    }


def test_nothing_worrying_raises_no_flag() -> None:
    result = assess(scores(phq9(item9=0, others=3)))
    assert (result.flagged, result.level, result.codes) == (False, "none", ())


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_phq9_item9_answer_above_0_raises_a_flag_whatever_the_total(item9: int) -> None:
    result = assess(scores(phq9(item9=item9, others=0)))
    assert result.flagged and "phq9_item9" in result.codes


def test_phq9_item9_on_more_than_half_the_days_escalates() -> None:
    assert assess(scores(phq9(item9=1))).escalates is False
    assert assess(scores(phq9(item9=2))).escalates is True


@pytest.mark.parametrize(
    ("answers", "code", "level"),
    [
        ({"risk_1": 1}, "self_harm_thoughts", "medium"),
        ({"risk_2": 1}, "self_harm_plans", "high"),
        ({"risk_3": 1}, "self_harm_intent", "high"),
        ({"risk_1": 1, "risk_4": 1}, "access_to_means", "high"),
        ({"risk_1": 1, "risk_5": 1}, "no_protective_factors", "high"),
        ({"risk_6": 1}, "risk_to_others", "high"),
        ({"risk_7": 1}, "safeguarding_concern", "medium"),
    ],
)
def test_each_risk_rule_fires_at_its_threshold(answers: dict, code: str, level: str) -> None:
    result = assess(scores(risk_answers=risk(**answers)))
    assert code in result.codes
    assert result.level == level


def test_access_to_means_alone_without_thoughts_of_self_harm_raises_nothing() -> None:
    assert assess(scores(risk_answers=risk(risk_4=1))).flagged is False


def test_the_highest_level_of_the_rules_that_fire_is_the_flags_level() -> None:
    result = assess(scores(phq9(item9=1), risk(risk_7=1, risk_6=1)))
    assert result.level == "high" and result.escalates
    assert set(result.codes) == {"phq9_item9", "safeguarding_concern", "risk_to_others"}


def test_rules_are_versioned_and_their_codes_are_the_contracts() -> None:
    from typing import get_args

    from shared.contracts.forms import RiskCode

    assert CURRENT in RULES and assess(scores(), rules_version=1).rules_version == 1
    assert set(ALL_CODES) == set(get_args(RiskCode))
