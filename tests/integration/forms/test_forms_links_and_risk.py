"""A client's link works once, until it expires, and only for its own form; a risk-positive
response raises a flag that stays open until a clinician acknowledges it."""

import asyncio
from datetime import timedelta

import pytest

from services.forms.application import FormsApplication
from services.forms.errors import InvalidInput, LinkRefused, NotAllowed
from shared.envelope import Actor, Meta
from tests.integration.forms.scheduling_events import Course, delivered, in_days
from tests.integration.forms.steps import answers, deliver, form_of

CLINICIAN = Meta(actor=Actor(id="duty-1", role="duty_clinician"), correlation_id="c")


async def issued(forms_pool, reactions, forms_app, starts_in_days: float = 2, offset: int = 0):  # type: ignore[no-untyped-def]
    course = Course()
    booked = course.booked(1, in_days(starts_in_days))
    await deliver(forms_pool, reactions, delivered(booked, offset=offset))
    return course, await form_of(forms_app, booked)


async def refusal(app: FormsApplication, token: str, form_id, given=None) -> int:  # type: ignore[no-untyped-def]
    with pytest.raises(LinkRefused) as caught:
        await app.submit_by_link(token, form_id, given or answers(), "c")
    return caught.value.status


async def test_a_link_cannot_be_used_twice(forms_pool, reactions, forms_app, forms_store):
    _, form = await issued(forms_pool, reactions, forms_app)
    await forms_app.submit_by_link(form.link_token, form.id, answers(), "c")
    stored = len(await forms_store.events(form.id))
    with pytest.raises(LinkRefused, match="only once") as caught:
        await forms_app.submit_by_link(form.link_token, form.id, answers(item9=3), "c")
    assert caught.value.status == 410
    assert len(await forms_store.events(form.id)) == stored


async def test_an_expired_link_is_refused_and_nothing_stored(forms_pool, reactions, forms_app):
    _, form = await issued(forms_pool, reactions, forms_app, starts_in_days=-2)
    assert await refusal(forms_app, form.link_token, form.id) == 410
    assert (await forms_app.form(form.id)).status == "issued"


async def test_a_link_cannot_answer_another_clients_form(forms_pool, reactions, forms_app):
    _, mine = await issued(forms_pool, reactions, forms_app)
    _, theirs = await issued(forms_pool, reactions, forms_app, offset=1)
    assert await refusal(forms_app, mine.link_token, theirs.id) == 403
    assert (await forms_app.form(theirs.id)).status == "issued"


async def test_an_unknown_link_is_not_found(forms_app) -> None:
    assert await refusal(forms_app, "not-a-real-token", None) == 404


async def test_a_new_link_replaces_the_old_one(forms_pool, reactions, forms_app):
    _, form = await issued(forms_pool, reactions, forms_app)
    _, token = await forms_app.reissue_link(form.id, CLINICIAN)
    assert await refusal(forms_app, form.link_token, form.id) == 404
    done = await forms_app.submit_by_link(token, form.id, answers(), "c")
    assert done.status == "completed"


async def test_an_invalid_response_stores_nothing_and_keeps_the_link(
    forms_pool, reactions, forms_app, forms_store
) -> None:
    _, form = await issued(forms_pool, reactions, forms_app)
    given = answers()
    given[0].answers["phq9-9"] = "7"
    with pytest.raises(InvalidInput) as caught:
        await forms_app.submit_by_link(form.link_token, form.id, given, "c")
    assert caught.value.field == "responses.phq9.answers.phq9-9"
    assert len(await forms_store.events(form.id)) == 1
    await forms_app.submit_by_link(form.link_token, form.id, answers(), "c")


async def test_phq9_item9_raises_a_flag_listed_for_the_site_until_acknowledged(
    forms_pool, reactions, forms_app, forms_queries
) -> None:
    course, form = await issued(forms_pool, reactions, forms_app)
    done = await forms_app.submit_by_link(form.link_token, form.id, answers(item9=1), "c")
    flag_id = done.response["flag_id"]
    listed = await forms_queries.open_flags(course.site_id)
    assert [(f["flag_id"], f["level"], f["escalated"]) for f in listed] == [
        (flag_id, "medium", False)
    ]
    assert listed[0]["codes"] == ["phq9_item9"] and listed[0]["age_seconds"] >= 0
    await forms_app.acknowledge_flag(flag_id, action="contacted_client", note="Called.",
                                     meta=CLINICIAN)  # fmt: skip
    assert await forms_queries.open_flags(course.site_id) == []
    with pytest.raises(NotAllowed):
        await forms_app.acknowledge_flag(flag_id, action="contacted_client", note="Again",
                                         meta=CLINICIAN)  # fmt: skip


async def test_the_highest_level_escalates_and_counts_in_the_sites_escalations(
    forms_pool, reactions, forms_app, forms_queries
) -> None:
    course, form = await issued(forms_pool, reactions, forms_app)
    await forms_app.submit_by_link(form.link_token, form.id, answers(item9=3), "c")
    [flag] = await forms_queries.open_flags(course.site_id)
    assert flag["level"] == "high" and flag["escalated"]
    sites = {site: count for site, count, _ in await forms_queries.escalations()}
    assert sites[course.site_id] == 1


async def test_a_response_without_risk_raises_no_flag(
    forms_pool, reactions, forms_app, forms_queries
):
    course, form = await issued(forms_pool, reactions, forms_app)
    done = await forms_app.submit_by_link(form.link_token, form.id, answers(), "c")
    assert done.response["flag_id"] is None and done.response["risk_level"] == "none"
    assert await forms_queries.open_flags(course.site_id) == []


async def test_link_expiry_follows_a_moved_session(forms_pool, reactions, forms_app):
    course = Course()
    booked = course.booked(1, in_days(-3))
    await deliver(forms_pool, reactions, delivered(booked))
    await deliver(forms_pool, reactions, delivered(course.moved(booked, in_days(3)), offset=1))
    form = await form_of(forms_app, booked)
    assert form.link_expires_at == form.due_at + timedelta(hours=24)
    assert (await forms_app.submit_by_link(form.link_token, form.id, answers(), "c")).status


async def test_the_link_of_a_cancelled_session_says_so(forms_pool, reactions, forms_app):
    course = Course()
    booked = course.booked(1, in_days(2))
    await deliver(forms_pool, reactions, delivered(booked, course.cancelled(booked)))
    form = await form_of(forms_app, booked)
    with pytest.raises(LinkRefused, match="cancelled") as caught:
        await forms_app.submit_by_link(form.link_token, form.id, answers(), "c")
    assert caught.value.status == 410


async def test_one_link_sent_twice_at_once_stores_one_response_and_one_flag(
    forms_pool, reactions, forms_app, forms_store, forms_queries
) -> None:
    course, form = await issued(forms_pool, reactions, forms_app)
    results = await asyncio.gather(
        *(forms_app.submit_by_link(form.link_token, form.id, answers(item9=2), "c")
          for _ in range(2)),
        return_exceptions=True,
    )  # fmt: skip
    refused = [r for r in results if isinstance(r, LinkRefused)]
    assert len(refused) == 1 and refused[0].status == 410
    kinds = [type(e).__name__ for e in await forms_store.events(form.id)]
    assert kinds == ["FormIssued", "ResponseSubmitted"]
    assert len(await forms_queries.open_flags(course.site_id)) == 1
