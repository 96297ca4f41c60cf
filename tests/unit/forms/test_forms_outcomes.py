"""Reliable improvement, recovery and reliable recovery, first to last score (DOMAIN.md)."""

import pytest

from services.forms.outcomes import Pair, outcome, rates


@pytest.mark.parametrize(
    ("first", "last", "improved"),
    [
        (Pair(16, 5), Pair(10, 5), True),  # PHQ-9 falls by exactly 6
        (Pair(16, 5), Pair(11, 5), False),  # by 5: within measurement error
        (Pair(5, 12), Pair(5, 8), True),  # GAD-7 falls by exactly 4
        (Pair(5, 12), Pair(5, 9), False),
        (Pair(16, 5), Pair(10, 9), False),  # PHQ-9 better, but GAD-7 rose reliably
    ],
)
def test_reliable_improvement_is_a_fall_of_6_or_4_and_no_reliable_rise(
    first: Pair, last: Pair, improved: bool
) -> None:
    assert outcome(first, last, attended=8).reliable_improvement is improved


def test_a_reliable_rise_alone_is_reliable_deterioration() -> None:
    result = outcome(Pair(8, 4), Pair(14, 4), attended=8)
    assert result.reliable_deterioration and not result.reliable_improvement


def test_recovery_needs_caseness_at_the_start_and_below_both_cut_offs_at_the_end() -> None:
    assert outcome(Pair(10, 3), Pair(9, 7), attended=8).recovered
    assert not outcome(Pair(10, 3), Pair(9, 8), attended=8).recovered  # GAD-7 still a case
    assert not outcome(Pair(9, 7), Pair(2, 1), attended=8).recovered  # never a case


def test_reliable_recovery_is_recovery_with_reliable_improvement() -> None:
    assert outcome(Pair(15, 10), Pair(9, 7), attended=8).reliable_recovery
    recovered_but_small_change = outcome(Pair(10, 8), Pair(9, 7), attended=8)
    assert recovered_but_small_change.recovered
    assert not recovered_but_small_change.reliable_recovery


def test_a_course_is_finished_after_2_attended_treatment_sessions() -> None:
    assert not outcome(Pair(15, 10), Pair(5, 3), attended=1).finished
    assert outcome(Pair(15, 10), Pair(5, 3), attended=2).finished


def test_recovery_rate_leaves_out_the_unfinished_and_those_not_at_caseness_at_start() -> None:
    result = rates([
        outcome(Pair(15, 10), Pair(5, 3), attended=10),  # recovered
        outcome(Pair(15, 10), Pair(14, 9), attended=10),  # not recovered
        outcome(Pair(4, 3), Pair(2, 1), attended=10),  # not a case: out of the rate
        outcome(Pair(15, 10), Pair(5, 3), attended=1),  # not finished: out
    ])  # fmt: skip
    assert (result.finished, result.recovered, result.recovery_rate) == (3, 1, 0.5)
    assert result.reliable_improvement_rate == pytest.approx(1 / 3)


def test_no_finished_course_gives_no_rate_rather_than_zero() -> None:
    assert rates([]).recovery_rate is None
