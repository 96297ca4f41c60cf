"""Over HTTP: scores session by session become a course's outcome when scheduling says the
course completed; the chart, the FHIR export, the PEQ by the same kind of link and its site
summary; Kafka carries scores and digests but no answer's text or risk plan."""

from datetime import date

import httpx
from fhir.resources.R4B.bundle import Bundle

from shared.kafka import topic_of
from tests.conftest import KAFKA
from tests.e2e.forms.steps import answers, client_link, eventually
from tests.integration.forms.scheduling_events import Course, in_days, publish
from tests.support.topics import end_offsets, read_since

COMMENT = "Thank you to Dr Example at the north clinic"
PLAN = "Weekly check-ins; crisis line number given; sister Jane aware"


def scored(level: int) -> list[dict]:
    """Answers with every PHQ-9 and GAD-7 item at `level` and no risk."""
    responses = answers()
    for response in responses[:2]:
        response["answers"] = dict.fromkeys(response["answers"], str(level))
    return responses


async def test_a_completed_course_shows_its_outcome_chart_export_and_feedback(forms) -> None:
    start = await end_offsets(KAFKA, topic_of("forms"))
    course = Course()
    sessions = [course.booked(n, in_days(n)) for n in (1, 2, 3)]
    await publish(KAFKA, *sessions)
    for booked, level in zip(sessions, (2, 1, 0), strict=True):
        form_id = await _form_of(forms, course, booked.data["session_id"])
        entered = await forms.post(f"/forms/{form_id}/responses", json={"responses": scored(level)})
        assert entered.status_code == 201, entered.text
    await publish(KAFKA, *(course.attended(b) for b in sessions), course.completed(attended=3))

    async def completed():  # type: ignore[no-untyped-def]
        found = (await forms.get(f"/cases/{course.case_id}/outcomes")).json()
        return found if found["sessions_attended"] == 3 else None

    outcomes = await eventually(completed)
    assert [p["phq9"] for p in outcomes["series"]] == [18, 9, 0]
    assert outcomes["caseness_lines"] == {"phq9": 10, "gad7": 8}
    assert outcomes["outcome"]["reliable_recovery"] and outcomes["outcome"]["finished"]

    chart = await forms.get(f"/cases/{course.case_id}/outcomes/chart.svg")
    assert chart.headers["content-type"] == "image/svg+xml" and "<svg" in chart.text
    case_forms = (await forms.get(f"/cases/{course.case_id}/forms")).json()
    first = next(f for f in case_forms if f["session_number"] == 1)
    exported = (await forms.get(f"/forms/{first['form_id']}/fhir")).json()
    bundle = Bundle.model_validate(exported)
    assert [e.resource.questionnaire.split("/")[-1] for e in bundle.entry] == [
        "phq9|1", "gad7|1", "risk|1"
    ]  # fmt: skip

    peq = next(f for f in case_forms if f["purpose"] == "feedback")
    link = await client_link(forms, peq["form_id"])
    peq_answers = {f"peq-{n}": "4" for n in range(1, 6)}
    peq_answers |= {"peq-6": "yes", "peq-7": "na", "peq-8": "3", "peq-9": COMMENT}
    response = {"questionnaire": "peq", "version": 1, "answers": peq_answers}
    async with httpx.AsyncClient(base_url=forms.base_url) as client:
        body = {"form_id": peq["form_id"], "responses": [response]}
        assert (await client.post(f"{link}/response", json=body)).status_code == 201

    summary = (await forms.get(f"/sites/{course.site_id}/feedback")).json()
    assert summary["responses"] == 1 and summary["satisfaction_mean"] == 3
    assert summary["counts"]["peq-7"] == {"na": 1} and "peq-9" not in summary["counts"]
    assert COMMENT not in str(summary) and str(course.case_id) not in str(summary)
    month = date.today().strftime("%Y-%m")
    report = (await forms.get(f"/sites/{course.site_id}/outcomes", params={"month": month})).json()
    assert (report["finished"], report["recovered"], report["recovery_rate"]) == (1, 1, 1.0)

    plan = {"site_id": course.site_id, "level": "moderate", "plan": PLAN,
            "assessed_on": date.today().isoformat()}  # fmt: skip
    for revision in (1, 2):
        made = await forms.post(f"/cases/{course.case_id}/risk-assessments", json=plan)
        assert made.status_code == 201 and made.json()["revision"] == revision
    kept = (await forms.get(f"/cases/{course.case_id}/risk-assessments")).json()
    assert [(r["revision"], r["plan"], r["assessed_by"]) for r in kept] == [
        (1, PLAN, "duty-e2e"), (2, PLAN, "duty-e2e")
    ]  # fmt: skip

    def ours(records) -> bool:  # type: ignore[no-untyped-def]
        mine = [r for r in records if str(course.case_id).encode() in (r.key or b"")]
        return sum(b"RiskAssessmentRecorded" in r.value for r in mine) == 2

    records = await read_since(KAFKA, topic_of("forms"), start, ours)
    carried = b"".join(r.value for r in records if str(course.case_id).encode() in (r.key or b""))
    assert b"ResponseSubmitted" in carried and b"OutcomeRecorded" in carried
    assert COMMENT.encode() not in carried and PLAN.encode() not in carried


async def _form_of(forms: httpx.AsyncClient, course: Course, session_id: str) -> str:
    async def issued():  # type: ignore[no-untyped-def]
        listed = (await forms.get(f"/cases/{course.case_id}/forms")).json()
        return next((f["form_id"] for f in listed if f["session_id"] == session_id), None)

    return await eventually(issued)
