"""A high risk flag escalates at once to the site's duty clinician: the raised flag names
them (on Kafka too), it is listed for them until acknowledged, a hand-over passes the
site's open escalations to the next clinician, and a site with nobody on duty still lists
the escalation for the site, naming nobody."""

from uuid import uuid4

from shared.envelope import Actor, Envelope, Meta
from tests.integration.forms.scheduling_events import Course, delivered, in_days
from tests.integration.forms.steps import answers, deliver, form_of

SUPERVISOR = Meta(actor=Actor(id="supervisor-1", role="supervisor"), correlation_id="c")


async def escalated(forms_pool, reactions, forms_app, course: Course, offset: int = 0):  # type: ignore[no-untyped-def]
    booked = course.booked(1, in_days(1))
    await deliver(forms_pool, reactions, delivered(booked, offset=offset))
    form = await form_of(forms_app, booked)
    await forms_app.submit_by_link(form.link_token, form.id, answers(item9=3), "c")
    return (await forms_app.form(form.id)).response["flag_id"]


async def test_an_escalation_names_the_duty_clinician_and_is_listed_for_them(
    forms_pool, reactions, forms_app, forms_queries, forms_store
):
    course, duty = Course(), f"duty-{uuid4().hex[:8]}"
    await forms_app.assign_duty_clinician(course.site_id, staff_id=duty, meta=SUPERVISOR)
    flag_id = await escalated(forms_pool, reactions, forms_app, course)

    [raised] = await forms_store.events(flag_id)
    published = Envelope.of("forms", raised)
    assert published.schema_version == 2 and published.data["escalated_to"] == duty
    [listed] = await forms_queries.escalations_for(duty)
    assert listed["flag_id"] == flag_id and listed["escalated_to"] == duty
    assert listed["age_seconds"] >= 0
    assert [f["escalated_to"] for f in await forms_queries.open_flags(course.site_id)] == [duty]

    await forms_app.acknowledge_flag(flag_id, action="contacted_client", note="rang", meta=Meta(
        actor=Actor(id=duty, role="supervisor"), correlation_id="c"))  # fmt: skip
    assert await forms_queries.escalations_for(duty) == []


async def test_a_hand_over_passes_the_sites_open_escalations_to_the_next_clinician(
    forms_pool, reactions, forms_app, forms_queries
):
    course, first, second = Course(), f"duty-{uuid4().hex[:8]}", f"duty-{uuid4().hex[:8]}"
    await forms_app.assign_duty_clinician(course.site_id, staff_id=first, meta=SUPERVISOR)
    flag_id = await escalated(forms_pool, reactions, forms_app, course)
    await forms_app.assign_duty_clinician(course.site_id, staff_id=second, meta=SUPERVISOR)
    assert [f["flag_id"] for f in await forms_queries.escalations_for(second)] == [flag_id]
    assert (await forms_queries.duty(course.site_id))["staff_id"] == second
    assert [f["escalated_to"] for f in await forms_queries.escalations_for(first)] == [first]


async def test_with_nobody_on_duty_the_escalation_is_listed_for_the_site_naming_nobody(
    forms_pool, reactions, forms_app, forms_queries
):
    course = Course()
    flag_id = await escalated(forms_pool, reactions, forms_app, course)
    [flag] = await forms_queries.open_flags(course.site_id)
    assert flag["flag_id"] == flag_id and flag["escalated"] and flag["escalated_to"] is None
    assert await forms_queries.duty(course.site_id) is None


async def test_assigning_the_clinician_already_on_duty_records_nothing(forms_app, forms_store):
    site, duty = f"site-{uuid4().hex[:8]}", f"duty-{uuid4().hex[:8]}"
    rota = await forms_app.assign_duty_clinician(site, staff_id=duty, meta=SUPERVISOR)
    again = await forms_app.assign_duty_clinician(site, staff_id=duty, meta=SUPERVISOR)
    assert again.version == rota.version == 2
    assert len(await forms_store.events(rota.id)) == 2
