"""Every published questionnaire version, looked up by key and version. Pure.

A new version is appended here beside the old one, which stays as it was; the forms issued
name the version they carry, and `latest` is what new forms carry."""

from services.forms.catalogue.model import Item, Option, Questionnaire
from services.forms.catalogue.others import PEQ_V1, RISK_V1, WSAS_V1
from services.forms.catalogue.phq9 import GAD7_V1, PHQ9_V1

PUBLISHED: dict[tuple[str, int], Questionnaire] = {
    (q.key, q.version): q for q in (PHQ9_V1, GAD7_V1, RISK_V1, WSAS_V1, PEQ_V1)
}
# What each kind of form asks; optional questionnaires may be left out of a response.
PRE_SESSION = ("phq9", "gad7", "risk")
PRE_SESSION_OPTIONAL = ("wsas",)
FEEDBACK = ("peq",)

__all__ = ["PUBLISHED", "Item", "Option", "Questionnaire", "get", "latest"]


def get(key: str, version: int) -> Questionnaire | None:
    return PUBLISHED.get((key, version))


def latest(key: str) -> Questionnaire:
    return max((q for (k, _), q in PUBLISHED.items() if k == key), key=lambda q: q.version)


def keys() -> set[str]:
    return {key for key, _ in PUBLISHED}
