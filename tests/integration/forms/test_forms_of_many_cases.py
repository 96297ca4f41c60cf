"""The forms of many cases in one query (a therapist's today asks for a week's cases at
once): each case's forms exactly as its own query has them, scores of a returned form
included, in the order the cases were asked, each case once, an empty list for a case
without forms; asked for some sessions, only the forms of those."""

from uuid import UUID, uuid4

from tests.integration.forms.scheduling_events import Course, delivered, in_days
from tests.integration.forms.steps import answers, deliver, form_of


async def test_the_forms_of_many_cases_are_each_case_s_own(
    forms_pool, reactions, forms_app, forms_queries
) -> None:
    one, other = Course(), Course()
    booked = [one.booked(1, in_days(2)), one.booked(2, in_days(9)), other.booked(1, in_days(3))]
    await deliver(forms_pool, reactions, delivered(*booked))
    form = await form_of(forms_app, booked[0])
    await forms_app.submit_by_link(form.link_token, form.id, answers(others=2), "c")
    nobody = uuid4()

    found = await forms_queries.forms_of_cases([other.case_id, nobody, one.case_id, other.case_id])

    assert [f["case_id"] for f in found] == [other.case_id, nobody, one.case_id]
    assert found[0]["forms"] == await forms_queries.case_forms(other.case_id)
    assert found[1]["forms"] == []
    assert found[2]["forms"] == await forms_queries.case_forms(one.case_id)
    returned = [f for f in found[2]["forms"] if f["status"] == "completed"]
    assert [(f["form_id"], f["phq9"] is not None) for f in returned] == [(form.id, True)]
    assert len(found[2]["forms"]) == 2 and len(found[0]["forms"]) == 1


async def test_asked_for_some_sessions_only_their_forms_are_given(
    forms_pool, reactions, forms_app, forms_queries
) -> None:
    one, other = Course(), Course()
    first, second = one.booked(1, in_days(2)), one.booked(2, in_days(9))
    elsewhere = other.booked(1, in_days(3))
    await deliver(forms_pool, reactions, delivered(first, second, elsewhere))
    wanted = [UUID(first.data["session_id"]), UUID(elsewhere.data["session_id"])]

    found = await forms_queries.forms_of_cases([one.case_id, other.case_id], wanted)

    by_case = {f["case_id"]: [form["session_id"] for form in f["forms"]] for f in found}
    assert by_case == {one.case_id: [wanted[0]], other.case_id: [wanted[1]]}
    mine = await forms_queries.forms_of_cases([one.case_id], [UUID(elsewhere.data["session_id"])])
    assert mine == [{"case_id": one.case_id, "forms": []}]  # another case's session: not its
