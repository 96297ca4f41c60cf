"""Scores of one questionnaire's answers: the total, the severity band and caseness
(DOMAIN.md, Measures). Pure."""

from dataclasses import dataclass

from services.forms.catalogue import Questionnaire

BANDS: dict[str, tuple[tuple[int, str], ...]] = {
    "phq9": ((0, "none"), (5, "mild"), (10, "moderate"), (15, "moderately severe"), (20, "severe")),
    "gad7": ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")),
}
CASENESS = {"phq9": 10, "gad7": 8}  # at or above: a clinical case
TOTALLED = ("phq9", "gad7", "wsas", "risk")
# The answer codes of each questionnaire, by link id.
Answers = dict[str, str]


@dataclass(frozen=True)
class Score:
    key: str
    version: int
    total: int | None
    band: str | None
    caseness: bool | None
    item_scores: dict[str, int | None]

    def item(self, link_id: str) -> int | None:
        return self.item_scores.get(link_id)


def band(key: str, total: int) -> str | None:
    """The severity band of a total; None for a measure without bands."""
    found = None
    for lowest, name in BANDS.get(key, ()):
        if total >= lowest:
            found = name
    return found


def is_case(key: str, total: int) -> bool | None:
    cut_off = CASENESS.get(key)
    return None if cut_off is None else total >= cut_off


def score(questionnaire: Questionnaire, answers: Answers) -> Score:
    """Score valid answers (validation.py checked them): the sum of the item scores."""
    item_scores: dict[str, int | None] = {}
    for item in questionnaire.items:
        option = item.option(answers[item.link_id]) if item.link_id in answers else None
        if not item.is_text:
            item_scores[item.link_id] = option.score if option else None
    total = None
    if questionnaire.key in TOTALLED:
        total = sum(s for s in item_scores.values() if s is not None)
    return Score(
        key=questionnaire.key,
        version=questionnaire.version,
        total=total,
        band=band(questionnaire.key, total) if total is not None else None,
        caseness=is_case(questionnaire.key, total) if total is not None else None,
        item_scores=item_scores,
    )
