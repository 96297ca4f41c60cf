"""Totals, severity bands and caseness of PHQ-9 and GAD-7 at every boundary."""

import pytest

from services.forms import catalogue
from services.forms.scoring import band, is_case, score
from tests.unit.forms.factories import answers_scoring, total_of


@pytest.mark.parametrize(
    ("total", "expected"),
    [(0, "none"), (4, "none"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately severe"), (19, "moderately severe"), (20, "severe"), (27, "severe")],
)  # fmt: skip
def test_phq9_bands_change_exactly_at_5_10_15_and_20(total: int, expected: str) -> None:
    assert total_of("phq9", total).band == expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "severe"), (21, "severe")],
)  # fmt: skip
def test_gad7_bands_change_exactly_at_5_10_and_15(total: int, expected: str) -> None:
    assert total_of("gad7", total).band == expected


@pytest.mark.parametrize(("total", "case"), [(9, False), (10, True), (27, True), (0, False)])
def test_phq9_caseness_starts_at_10(total: int, case: bool) -> None:
    assert total_of("phq9", total).caseness is case


@pytest.mark.parametrize(("total", "case"), [(7, False), (8, True), (9, True), (10, True)])
def test_gad7_caseness_starts_at_8(total: int, case: bool) -> None:
    assert total_of("gad7", total).caseness is case


def test_total_is_the_sum_of_the_item_scores() -> None:
    phq9 = catalogue.latest("phq9")
    result = score(phq9, answers_scoring(phq9, [3, 2, 1, 0, 3, 2, 1, 0, 1]))
    assert result.total == 13
    assert result.item("phq9-9") == 1


def test_wsas_is_totalled_without_bands_or_caseness() -> None:
    wsas = catalogue.latest("wsas")
    result = score(wsas, answers_scoring(wsas, [8, 8, 0, 4, 2]))
    assert (result.total, result.band, result.caseness) == (22, None, None)


def test_peq_not_applicable_answers_score_nothing() -> None:
    peq = catalogue.latest("peq")
    answers = {item.link_id: item.options[-1].code for item in peq.items if item.options}
    result = score(peq, answers)
    assert result.total is None
    assert result.item("peq-1") is None and result.item("peq-8") == 4


def test_bands_are_defined_only_for_phq9_and_gad7() -> None:
    assert band("wsas", 30) is None and is_case("wsas", 30) is None
