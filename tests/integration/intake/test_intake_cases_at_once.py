"""Many cases read at once (a therapist's week, for the gateway's today view): each is the
case one read of it gives, in the order asked and once; an id that is no case (unknown, an
enquiry's) is left out."""

from datetime import timedelta
from uuid import uuid4

from services.intake.application import ClientDetails, IntakeApplication
from services.intake.queries import IntakeQueries
from tests.integration.intake.conftest import TODAY
from tests.integration.intake.steps import allocated, referred, staff


async def test_cases_read_at_once_are_each_as_read_alone(
    intake_app: IntakeApplication, queries: IntakeQueries
):
    therapist = f"therapist-{uuid4().hex[:6]}"
    first = await allocated(intake_app, TODAY - timedelta(days=40), therapist)
    second = await referred(intake_app, TODAY - timedelta(days=3), name="Second Client")
    enquiry = await intake_app.receive_enquiry(
        site_id="north", contact=ClientDetails(name="Asking"), notes="rang",
        received_on=TODAY - timedelta(days=1), meta=staff(),
    )  # fmt: skip

    found = await queries.cases([second, uuid4(), enquiry.id, first, second])

    assert [case.id for case in found] == [second, first]
    alone = [await queries.case(second), await queries.case(first)]
    assert [(c.version, c.therapist_id, c.client) for c in found] == [
        (c.version, c.therapist_id, c.client) for c in alone
    ]
    assert found[0].client["name"] == "Second Client" and found[1].therapist_id == therapist
