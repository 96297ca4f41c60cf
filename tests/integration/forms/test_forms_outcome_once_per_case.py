"""A case's outcome is recorded once, with its course: a discharge after the course
completed adds no second outcome nor a second PEQ, and a discharge that arrives before
scheduling's completion (they come on different topics) still names the course."""

from datetime import date, timedelta

from services.forms.application import form_id_for
from shared.contracts.intake import CaseDischarged
from tests.integration.forms.scheduling_events import Course, delivered, in_days
from tests.integration.forms.steps import answers, deliver, form_of


def discharged(course: Course, on: date):  # type: ignore[no-untyped-def]
    envelope = course.envelope(CaseDischarged(ending_code="46", discharged_on=on))
    return envelope.model_copy(update={"originator_id": course.case_id})


async def treated(forms_pool, reactions, forms_app) -> tuple[Course, list]:  # type: ignore[no-untyped-def,type-arg]
    course = Course()
    sessions = [course.booked(n, in_days(n)) for n in (1, 2)]
    await deliver(forms_pool, reactions, delivered(*sessions))
    for booked, severity in zip(sessions, (3, 1), strict=True):
        form = await form_of(forms_app, booked)
        given = answers(others=severity, gad7_total=4 * severity)
        await forms_app.submit_by_link(form.link_token, form.id, given, "corr")
    return course, [course.attended(b) for b in sessions]


async def outcomes_of(forms_pool, course: Course) -> list:  # type: ignore[no-untyped-def,type-arg]
    return await forms_pool.fetch(
        "SELECT course_id, ended_on, finished FROM forms_outcome WHERE case_id = $1",
        course.case_id,
    )


async def test_a_discharge_after_the_completed_course_adds_no_second_outcome_or_peq(
    forms_pool, reactions, forms_app, forms_store
):
    course, attended = await treated(forms_pool, reactions, forms_app)
    completed = course.completed(attended=2)
    await deliver(forms_pool, reactions, delivered(*attended, completed, offset=10))
    later = date.today() + timedelta(days=7)
    await deliver(forms_pool, reactions, delivered(discharged(course, later), offset=20))
    [outcome] = await outcomes_of(forms_pool, course)
    assert (outcome["course_id"], outcome["ended_on"]) == (course.course_id, date.today())
    assert outcome["finished"]
    peq = form_id_for("feedback", course.case_id)
    assert len(await forms_store.events(peq)) == 1


async def test_a_discharge_arriving_before_the_completion_records_the_outcome_of_the_course(
    forms_pool, reactions, forms_app
):
    course, attended = await treated(forms_pool, reactions, forms_app)
    await deliver(forms_pool, reactions, delivered(*attended, offset=10))
    await deliver(forms_pool, reactions, delivered(discharged(course, date.today()), offset=20))
    await deliver(forms_pool, reactions, delivered(course.completed(attended=2), offset=30))
    [outcome] = await outcomes_of(forms_pool, course)
    assert outcome["course_id"] == course.course_id and outcome["finished"]


async def test_a_discharge_in_the_batch_that_booked_the_course_gives_the_peq_its_course(
    forms_pool, reactions, forms_app
):
    course = Course()
    booked = course.booked(1, in_days(1))
    batch = [booked, course.attended(booked), discharged(course, date.today())]
    await deliver(forms_pool, reactions, delivered(*batch))
    peq = await forms_app.form(form_id_for("feedback", course.case_id))
    assert peq.course_id == course.course_id
