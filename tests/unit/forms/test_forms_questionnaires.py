"""Questionnaires are versioned data in the FHIR Questionnaire shape; a published version
never changes (a change must be a new version beside it)."""

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from services.forms import catalogue, fhir
from services.forms.responses import sha256_of

# The digest of each published version's FHIR JSON. A failing entry means an old version
# was edited: restore it and publish the change as a new version instead.
PUBLISHED_DIGESTS = {
    ("gad7", 1): "24d13d6a99cfdaf4c3a4c71111fef9bce718cd804819bc0f0674c5fd0e921eda",
    ("peq", 1): "70f64e64e569d88c330c4e32d2ec302fcd7815ff5137a87db8d00444ba69b51f",
    ("phq9", 1): "a6f8d033a483a59b39436893b162938e6ebf05c4c616e0055b5e00820b1b2147",
    ("risk", 1): "2357ababd329d778512cede5e41a1eee6ae87c393c630a5e53e92cb9e303eb6a",
    ("wsas", 1): "b448e4ff00911675fa73bff71344485d75e76095b516059fc77656a911d0be87",
}


@pytest.mark.parametrize("ref", sorted(PUBLISHED_DIGESTS))
def test_a_published_version_never_changes(ref: tuple[str, int]) -> None:
    q = catalogue.get(*ref)
    assert q is not None, f"{ref} was published and must stay"
    assert sha256_of(fhir.questionnaire(q)) == PUBLISHED_DIGESTS[ref]


def test_every_published_version_has_its_digest_pinned() -> None:
    assert set(catalogue.PUBLISHED) == set(PUBLISHED_DIGESTS)


@pytest.mark.parametrize("ref", sorted(PUBLISHED_DIGESTS))
def test_each_questionnaire_is_a_valid_fhir_r4_questionnaire(ref: tuple[str, int]) -> None:
    resource = FhirQuestionnaire.model_validate(fhir.questionnaire(catalogue.get(*ref)))
    assert resource.version == str(ref[1])


def test_the_measures_have_the_items_and_scores_of_domain_md() -> None:
    sizes = {"phq9": (9, 3), "gad7": (7, 3), "wsas": (5, 8)}
    for key, (items, top) in sizes.items():
        q = catalogue.latest(key)
        assert len(q.items) == items
        assert all(max(o.score or 0 for o in i.options) == top for i in q.items)


def test_the_risk_questions_cover_what_the_service_asks() -> None:
    texts = " ".join(i.text.lower() for i in catalogue.latest("risk").items)
    for topic in ("harming yourself", "plans", "intend", "access", "stay safe",
                  "someone else", "child"):  # fmt: skip
        assert topic in texts


def test_the_peq_has_a_satisfaction_item_scored_0_to_4_and_an_optional_comment() -> None:
    peq = catalogue.latest("peq")
    satisfaction = peq.item("peq-8")
    assert satisfaction is not None
    assert [o.score for o in satisfaction.options] == [0, 1, 2, 3, 4]
    comment = peq.item("peq-9")
    assert comment is not None and comment.is_text and not comment.required
