"""A treated case discharged by intake gets the PEQ and its outcome; a case discharged
before treatment (declined, say) gets neither."""

from datetime import date, timedelta

import pytest

from services.forms.application import form_id_for
from services.forms.errors import NotFound
from shared.contracts.intake import CaseDischarged
from tests.integration.forms.scheduling_events import Course, delivered, in_days
from tests.integration.forms.steps import answers, deliver, form_of


def discharged(course: Course, ending_code: str):  # type: ignore[no-untyped-def]
    on = date.today() - timedelta(days=3)  # recorded three days after the fact
    envelope = course.envelope(CaseDischarged(ending_code=ending_code, discharged_on=on))
    return envelope.model_copy(update={"originator_id": course.case_id})


async def test_a_treated_case_discharged_gets_the_peq_and_its_outcome(
    forms_pool, reactions, forms_app, forms_queries
) -> None:
    course = Course()
    booked = course.booked(1, in_days(1))
    await deliver(forms_pool, reactions, delivered(booked, course.attended(booked)))
    form = await form_of(forms_app, booked)
    await forms_app.submit_by_link(form.link_token, form.id, answers(others=2), "c")
    await deliver(forms_pool, reactions, delivered(discharged(course, "47"), offset=5))
    peq = await forms_app.form(form_id_for("feedback", course.case_id))
    assert peq.purpose == "feedback" and peq.site_id == course.site_id
    outcome = await forms_pool.fetchrow(
        "SELECT finished, ended_on FROM forms_outcome WHERE case_id = $1", course.case_id
    )
    assert outcome["finished"] is False  # one attended session is not a finished course
    assert outcome["ended_on"] == date.today() - timedelta(days=3)


async def test_a_case_discharged_before_treatment_gets_no_peq(forms_pool, reactions, forms_app):
    course = Course()
    await deliver(forms_pool, reactions, delivered(discharged(course, "14")))
    with pytest.raises(NotFound):
        await forms_app.form(form_id_for("feedback", course.case_id))
