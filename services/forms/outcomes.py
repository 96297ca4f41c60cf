"""Outcomes of a course of treatment, first to last score, as NHS Talking Therapies count
them (DOMAIN.md): reliable improvement and deterioration, recovery, reliable recovery. Pure."""

from dataclasses import dataclass

from services.forms.scoring import CASENESS

RELIABLE_CHANGE = {"phq9": 6, "gad7": 4}
FINISHED_AFTER = 2  # attended treatment sessions: "finished a course of treatment"


@dataclass(frozen=True)
class Pair:
    phq9: int
    gad7: int

    def at_caseness(self) -> bool:
        return self.phq9 >= CASENESS["phq9"] or self.gad7 >= CASENESS["gad7"]


@dataclass(frozen=True)
class Outcome:
    first: Pair
    last: Pair
    finished: bool
    at_caseness_at_start: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    recovered: bool
    reliable_recovery: bool


def _changes(first: Pair, last: Pair) -> tuple[bool, bool]:
    """(a measure fell reliably, a measure rose reliably)."""
    fell = rose = False
    for key, threshold in RELIABLE_CHANGE.items():
        change = getattr(last, key) - getattr(first, key)
        fell = fell or change <= -threshold
        rose = rose or change >= threshold
    return fell, rose


def outcome(first: Pair, last: Pair, attended: int) -> Outcome:
    fell, rose = _changes(first, last)
    at_start = first.at_caseness()
    recovered = at_start and not last.at_caseness()
    improved = fell and not rose
    return Outcome(
        first=first,
        last=last,
        finished=attended >= FINISHED_AFTER,
        at_caseness_at_start=at_start,
        reliable_improvement=improved,
        reliable_deterioration=rose and not fell,
        recovered=recovered,
        reliable_recovery=recovered and improved,
    )


@dataclass(frozen=True)
class Rates:
    finished: int
    recovered: int
    recovery_rate: float | None  # recovered / (finished - not at caseness at the start)
    reliably_improved: int
    reliable_improvement_rate: float | None  # reliably improved / finished


def rates(outcomes: list[Outcome]) -> Rates:
    done = [o for o in outcomes if o.finished]
    cases = [o for o in done if o.at_caseness_at_start]
    recovered = sum(o.recovered for o in cases)
    improved = sum(o.reliable_improvement for o in done)
    return Rates(
        finished=len(done),
        recovered=recovered,
        recovery_rate=recovered / len(cases) if cases else None,
        reliably_improved=improved,
        reliable_improvement_rate=improved / len(done) if done else None,
    )
