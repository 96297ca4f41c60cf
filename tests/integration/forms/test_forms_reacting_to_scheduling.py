"""Forms reacts to scheduling's events: a booked session issues its pre-session form, a
moved session moves it, a cancelled one cancels it; a completed course issues the PEQ and
records the outcome. Redelivery changes nothing."""

from services.forms.application import form_id_for
from tests.integration.forms.scheduling_events import Course, delivered, in_days
from tests.integration.forms.steps import answers, deliver, form_of


async def test_a_booked_session_issues_a_pre_session_form_with_phq9_gad7_and_risk(
    forms_pool, reactions, forms_app
) -> None:
    course = Course()
    booked = course.booked(1, in_days(7))
    await deliver(forms_pool, reactions, delivered(booked))
    form = await form_of(forms_app, booked)
    assert form.status == "issued" and form.case_id == course.case_id
    assert {"phq9|1", "gad7|1", "risk|1"} <= set(form.questionnaires)
    assert form.due_at.isoformat() == booked.data["starts_at"].replace("Z", "+00:00")


async def test_a_redelivered_booking_issues_no_second_form(forms_pool, reactions, forms_store):
    course = Course()
    booked = course.booked(1, in_days(7))
    for _ in range(3):
        await deliver(forms_pool, reactions, delivered(booked))
    again = delivered(booked, offset=1)  # the same event at a new offset: ids dedupe it
    await deliver(forms_pool, reactions, again)
    form_id = form_id_for("pre_session", booked.data["session_id"])
    assert len(await forms_store.events(form_id)) == 1


async def test_a_moved_session_moves_the_form_and_a_cancelled_one_cancels_it(
    forms_pool, reactions, forms_app
) -> None:
    course = Course()
    first, second = course.booked(1, in_days(7)), course.booked(2, in_days(14))
    later = in_days(9)
    batch = delivered(first, second, course.moved(first, later), course.cancelled(second))
    await deliver(forms_pool, reactions, batch)  # all in one batch, saved together
    moved, cancelled = await form_of(forms_app, first), await form_of(forms_app, second)
    assert moved.due_at == later and moved.status == "issued"
    assert cancelled.status == "cancelled"


async def test_a_completed_course_issues_the_peq_and_records_the_outcome(
    forms_pool, reactions, forms_app, forms_queries
) -> None:
    course = Course()
    sessions = [course.booked(n, in_days(n)) for n in (1, 2, 3)]
    await deliver(forms_pool, reactions, delivered(*sessions))
    for booked, severity in zip(sessions, (3, 2, 0), strict=True):
        form = await form_of(forms_app, booked)
        given = answers(others=severity, gad7_total=4 * severity)
        await forms_app.submit_by_link(form.link_token, form.id, given, "corr")
    ending = [*(course.attended(b) for b in sessions), course.completed(attended=3)]
    await deliver(forms_pool, reactions, delivered(*ending, offset=10))
    peq = await forms_app.form(form_id_for("feedback", course.case_id))
    assert peq.purpose == "feedback" and peq.questionnaires == ["peq|1"]
    result = (await forms_queries.outcomes(course.case_id))["outcome"]
    assert result["first"] == {"phq9": 24, "gad7": 12} and result["last"]["phq9"] == 0
    assert result["recovered"] and result["reliable_recovery"] and result["finished"]
    month = peq.due_at.date()
    report = await forms_queries.site_report(course.site_id, month)
    assert (report["finished"], report["recovered"], report["recovery_rate"]) == (1, 1, 1.0)
