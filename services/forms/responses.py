"""From a form's raw answers to the Response its event records: validation item by item,
scores, bands, caseness, and the risk rules. Pure."""

import hashlib
import json
from datetime import datetime
from uuid import UUID

from services.forms.domain import FormInstance, Response
from services.forms.risk_rules import Assessment, assess
from services.forms.scoring import Score, score
from services.forms.validation import Answered, validate

NO_RISK_RULES = Assessment(rules_version=1, level="none", codes=())


def sha256_of(value: object) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_response(
    form: FormInstance,
    given: list[Answered],
    *,
    via: str,
    at: datetime,
    new_flag_id: UUID,
) -> tuple[Response, Assessment]:
    """The scored response, and the risk assessment (feedback forms are not assessed);
    `new_flag_id` is the id of the flag the response raises, if it raises one."""
    valid = validate(form.questionnaires, form.optional, given)
    scores = {key: score(q, answers) for key, (q, answers) in valid.items()}
    risk = assess(scores) if form.purpose == "pre_session" else NO_RISK_RULES
    answers = {key: answers for key, (_, answers) in valid.items()}
    response = Response(
        answers=answers,
        answers_sha256=sha256_of(answers),
        questionnaires=[q.ref for q, _ in valid.values()],
        scores=_where(scores, lambda s: s.total),
        bands=_where(scores, lambda s: s.band),
        caseness=_where(scores, lambda s: s.caseness),
        phq9_item9=scores["phq9"].item("phq9-9") if "phq9" in scores else None,
        risk_level=risk.level,
        risk_codes=list(risk.codes),
        rules_version=risk.rules_version,
        flag_id=new_flag_id if risk.flagged else None,
        submitted_via=via,
        submitted_at=at,
    )
    return response, risk


def _where(scores: dict[str, Score], value_of) -> dict:  # type: ignore[no-untyped-def]
    return {key: v for key, s in scores.items() if (v := value_of(s)) is not None}
