"""Answers for the questionnaires, built from scores so tests read as a clinician says them."""

from services.forms import catalogue
from services.forms.catalogue import Questionnaire
from services.forms.scoring import Answers, Score, score
from services.forms.validation import Answered


def answers_scoring(q: Questionnaire, item_scores: list[int]) -> Answers:
    """The answer codes whose scores are `item_scores`, item by item."""
    out: Answers = {}
    for item, wanted in zip(q.items, item_scores, strict=False):
        out[item.link_id] = next(o.code for o in item.options if o.score == wanted)
    return out


def total_of(key: str, total: int) -> Score:
    """A score with this total, spread over the items (none above 3)."""
    q = catalogue.latest(key)
    items = [min(3, max(0, total - 3 * n)) for n in range(len(q.items))]
    return score(q, answers_scoring(q, items))


def phq9(item9: int = 0, others: int = 0) -> Answers:
    return answers_scoring(catalogue.latest("phq9"), [others] * 8 + [item9])


def risk(**scored: int) -> Answers:
    """Risk answers at 0 risk points except those named (risk_1=2, risk_5=1: "no one")."""
    q = catalogue.latest("risk")
    return answers_scoring(q, [scored.get(i.link_id.replace("-", "_"), 0) for i in q.items])


def pre_session(phq9_answers: Answers | None = None, risk_answers: Answers | None = None,
                gad7_total: int = 0) -> list[Answered]:  # fmt: skip
    gad7 = catalogue.latest("gad7")
    return [
        Answered("phq9", 1, phq9_answers or phq9()),
        Answered(
            "gad7", 1, answers_scoring(gad7, [min(3, max(0, gad7_total - 3 * n)) for n in range(7)])
        ),
        Answered("risk", 1, risk_answers or risk()),
    ]
