"""The risk rules: explicit and versioned, so a flag names the rules that raised it and a
rule changed later never rewrites an old assessment. Pure.

A rule fires when every one of its conditions holds: the item's score is at least the
minimum. Levels: none < medium < high; a flag is raised when any rule fires, and a high
flag escalates at once to the site's duty clinician."""

from dataclasses import dataclass

from services.forms.scoring import Score

LEVELS = ("none", "medium", "high")


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    conditions: tuple[tuple[str, str, int], ...]  # (questionnaire key, link id, min score)
    why: str


RULES: dict[int, tuple[Rule, ...]] = {
    1: (
        Rule("phq9_item9", "medium", (("phq9", "phq9-9", 1),),
             "PHQ-9 item 9 above 0: a clinician reviews the risk, whatever the total"),
        Rule("phq9_item9_frequent", "high", (("phq9", "phq9-9", 2),),
             "thoughts of being better off dead on more than half the days"),
        Rule("self_harm_thoughts", "medium", (("risk", "risk-1", 1),),
             "thoughts of harming oneself"),
        Rule("self_harm_plans", "high", (("risk", "risk-2", 1),), "plans to harm oneself"),
        Rule("self_harm_intent", "high", (("risk", "risk-3", 1),), "intent to act"),
        Rule("access_to_means", "high", (("risk", "risk-4", 1), ("risk", "risk-1", 1)),
             "access to means while having thoughts of self-harm"),
        Rule("no_protective_factors", "high", (("risk", "risk-5", 1), ("risk", "risk-1", 1)),
             "nothing helping to stay safe while having thoughts of self-harm"),
        Rule("risk_to_others", "high", (("risk", "risk-6", 1),), "thoughts of harming others"),
        Rule("safeguarding_concern", "medium", (("risk", "risk-7", 1),),
             "worried about the safety of a child or an adult"),
    ),
}  # fmt: skip
CURRENT = max(RULES)
ALL_CODES = tuple(sorted({rule.code for rules in RULES.values() for rule in rules}))


@dataclass(frozen=True)
class Assessment:
    rules_version: int
    level: str
    codes: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.codes)

    @property
    def escalates(self) -> bool:
        return self.level == LEVELS[-1]


def assess(scores: dict[str, Score], rules_version: int = CURRENT) -> Assessment:
    fired = [rule for rule in RULES[rules_version] if _fires(rule, scores)]
    level = max((rule.level for rule in fired), key=LEVELS.index, default="none")
    return Assessment(rules_version, level, tuple(rule.code for rule in fired))


def _fires(rule: Rule, scores: dict[str, Score]) -> bool:
    for key, link_id, minimum in rule.conditions:
        value = scores[key].item(link_id) if key in scores else None
        if value is None or value < minimum:
            return False
    return True
