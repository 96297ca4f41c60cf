"""The client's page: plain HTML with no script, every question a fieldset with a legend and
labelled answers, the help line on every page, and what was sent escaped."""

import re

from services.forms.page import form_page, refused_page, thank_you_page

REFS = ["phq9|1", "gad7|1", "risk|1", "wsas|1"]


def test_the_form_page_has_no_script_and_a_fieldset_per_question() -> None:
    page = form_page("tok", "form-1", REFS, {}, None)
    assert "<script" not in page and 'name="viewport"' in page
    assert page.count("<fieldset>") == 9 + 7 + 7 + 5
    assert page.count("<legend>") == page.count("<fieldset>")
    assert all("<label>" in f for f in re.findall(r"<fieldset>.*?</fieldset>", page))


def test_an_error_is_shown_beside_its_question_and_answers_are_kept() -> None:
    error = ("responses.gad7.answers.gad7-3", "required: please answer this question")
    page = form_page("tok", "form-1", REFS, {"gad7.gad7-1": "2"}, error)
    assert 'role="alert"' in page
    fieldset = next(f for f in re.findall(r"<fieldset>.*?</fieldset>", page)
                    if "Worrying too much" in f)  # fmt: skip
    assert "required" in fieldset
    assert 'name="gad7.gad7-1" value="2" checked' in page


def test_what_the_client_sent_is_escaped() -> None:
    page = form_page("tok", "form-1", ["peq|1"], {"peq.peq-9": "<b>hi</b>"}, None)
    assert "&lt;b&gt;hi&lt;/b&gt;" in page and "<b>hi</b>" not in page


def test_every_page_says_where_to_get_help_now() -> None:
    for page in (thank_you_page(), refused_page("expired"), form_page("t", "f", REFS, {}, None)):
        assert "999" in page and "116 123" in page


def test_the_feedback_page_says_what_it_is_for() -> None:
    page = form_page("tok", "form-1", ["peq|1"], {}, None)
    assert "<title>Your feedback</title>" in page and "Before your session" not in page
