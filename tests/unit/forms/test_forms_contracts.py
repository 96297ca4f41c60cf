"""Every forms event has a contract and a committed JSON Schema; an envelope carries scores,
bands, levels and digests, never an answer's text, the link's token or a risk plan."""

import json
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from services.forms.application import FormsApplication
from services.forms.clinical import CourseOutcome, RiskAssessment
from services.forms.domain import RiskFlag
from services.forms.duty import DutyRota
from services.forms.responses import build_response
from shared.contracts import forms as contracts
from shared.contracts.export import SCHEMAS
from shared.envelope import Actor, Envelope, Meta
from tests.unit.forms.factories import phq9, pre_session

SECRET_TEXT = "my neighbour Jo Bloggs at 12 Example Road"
META = Meta(actor=Actor(id="t-1", role="therapist"), correlation_id="c", case_id=uuid4(),
            site_id="north").for_event()  # fmt: skip
NOW = datetime.now(UTC)


def produced_events() -> list:  # type: ignore[type-arg]
    """One of every forms event, made as the application makes them."""
    app = FormsApplication(store=None)  # type: ignore[arg-type]
    form = app.pre_session_form(case_id=uuid4(), site_id="north", course_id=uuid4(),
                                session_id=uuid4(), session_number=1,
                                starts_at=NOW + timedelta(days=1), meta=META)  # fmt: skip
    form.move(due_at=NOW, link_expires_at=NOW + timedelta(days=1), meta=META)
    form.reissue_link(link_token="t0ken", link_sha256="a" * 64, link_expires_at=NOW, meta=META)
    response, risk = build_response(form, pre_session(phq9(item9=2)), via="client_link",
                                    at=NOW, new_flag_id=uuid4())  # fmt: skip
    form.submit(response=response, meta=META)
    flag = RiskFlag(id=uuid4(), form_id=form.id, case_id=form.case_id, site_id="north",
                    level=risk.level, codes=list(risk.codes), rules_version=1, escalated=True,
                    escalated_to="duty-1", raised_at=NOW, meta=META)  # fmt: skip
    flag.acknowledge(action="contacted_client", note=SECRET_TEXT, note_sha256="b" * 64,
                     acknowledged_at=NOW, meta=META)  # fmt: skip
    cancelled = app.feedback_form(case_id=uuid4(), site_id="north", course_id=None, meta=META)
    cancelled.cancel(reason="course_ended", meta=META)
    assessment = RiskAssessment(id=uuid4(), case_id=form.case_id, site_id="north", meta=META)
    assessment.record(level="high", plan=SECRET_TEXT, plan_sha256="c" * 64, session_id=None,
                      assessed_on=date.today(), meta=META)  # fmt: skip
    flags = ("finished", "at_caseness_at_start", "reliable_improvement", "recovered",
             "reliable_recovery")  # fmt: skip
    scores = {"first_phq9": 20, "last_phq9": 5, "first_gad7": 15, "last_gad7": 4}
    measures = scores | {"scored_sessions": 8, "reliable_deterioration": False}
    measures |= dict.fromkeys(flags, True)
    outcome = CourseOutcome(id=uuid4(), case_id=form.case_id, site_id="north", course_id=None,
                            ended_on=date.today(), sessions_attended=8, measures=measures,
                            meta=META)  # fmt: skip
    rota = DutyRota(id=uuid4(), site_id="north", meta=META)
    rota.hand_over(staff_id="duty-1", since=NOW, meta=META)
    aggregates = (form, flag, cancelled, assessment, outcome, rota)
    return [event for a in aggregates for event in a.collect_events()]


@pytest.fixture(scope="module")
def envelopes() -> list[Envelope]:
    return [Envelope.of("forms", event) for event in produced_events()]


def test_every_kind_of_forms_event_is_produced_and_has_a_contract(envelopes) -> None:
    declared = {c.type for c in vars(contracts).values()
                if isinstance(c, type) and issubclass(c, contracts.EventContract)
                and "type" in c.__dict__}  # fmt: skip
    assert {e.type for e in envelopes} == declared


def test_every_event_validates_against_its_committed_schema(envelopes) -> None:
    for envelope in envelopes:
        schema = json.loads((SCHEMAS / f"{envelope.type}.json").read_text())
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        validator.validate(json.loads(envelope.kafka_value()))


def test_no_answer_text_token_or_plan_reaches_kafka(envelopes) -> None:
    carried = b"".join(e.kafka_value() for e in envelopes)
    for secret in (SECRET_TEXT, "t0ken", '"answers"', '"note"', '"plan"', "link_token"):
        assert secret.encode() not in carried


def test_scores_bands_and_the_risk_level_are_carried(envelopes) -> None:
    [submitted] = [e for e in envelopes if e.type == "forms.ResponseSubmitted"]
    assert submitted.data["phq9_item9"] == 2 and submitted.data["risk_level"] == "high"
    assert (
        submitted.data["bands"]["phq9"] == "none" and "phq9_item9" in submitted.data["risk_codes"]
    )
