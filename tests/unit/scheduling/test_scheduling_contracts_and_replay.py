"""Every scheduling event has a contract and a committed JSON Schema; what Kafka would carry
validates against it, holds no free text, and the audit replay folds it into the course."""

import inspect
import json

from eventsourcing.domain import CanMutateAggregate
from jsonschema import Draft202012Validator, FormatChecker

from services.audit import folds
from services.scheduling import SERVICE
from services.scheduling.domain import Course
from services.scheduling.site import Site
from shared.contracts.export import SCHEMAS, published_contracts
from shared.envelope import Envelope
from tests.unit.scheduling.journey import (
    SECRET,
    a_site,
    backdated_course,
    completed_course,
    whole_course,
)


def envelopes() -> list[dict]:
    events = [
        *whole_course().collect_events(),
        *completed_course().collect_events(),
        *backdated_course().collect_events(),
        *a_site().collect_events(),
    ]
    return [Envelope.of(SERVICE, e).model_dump(mode="json") for e in events]


def domain_event_types() -> set[str]:
    return {
        f"{SERVICE}.{name}"
        for aggregate in (Course, Site)
        for name, value in inspect.getmembers(aggregate, inspect.isclass)
        if issubclass(value, CanMutateAggregate) and name not in {"Event", "Created"}
    }


def test_every_domain_event_type_has_a_contract_and_no_contract_lacks_an_event():
    contracts = {t for t in published_contracts() if t.startswith(f"{SERVICE}.")}
    assert domain_event_types() == contracts


def test_the_journeys_produce_every_event_type_and_each_validates_against_its_schema():
    produced = envelopes()
    assert {e["type"] for e in produced} == domain_event_types()
    for envelope in produced:
        schema = json.loads((SCHEMAS / f"{envelope['type']}.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(envelope)


def test_no_free_text_reaches_kafka():
    assert all(SECRET not in json.dumps(e) for e in envelopes())


def test_the_audit_replay_shows_the_course_with_its_sessions_and_history():
    course = whole_course()
    events = [Envelope.of(SERVICE, e).model_dump(mode="json") for e in course.collect_events()]
    rebuilt = folds.rebuild(events)
    assert rebuilt.fold_errors == [] and rebuilt.unknown_types == {}
    replayed = rebuilt.state["course"]
    assert replayed["status"] == "closed" and replayed["therapist_id"] == "therapist-2"
    sessions = replayed["sessions"]
    assert len(sessions) == len(course.sessions)
    for session_id, session in course.sessions.items():
        shown = sessions[str(session_id)]
        assert (shown["session_number"], shown["local_start"]) == (
            session.number,
            session.local_start,
        )
        assert shown["attendance_code"] == (session.code or "0")
    assert replayed["breaks"][0]["kind"] == "client_holiday"
    assert replayed["decisions"][0]["decision"] == "continue"
    assert replayed["treatment_withdrawn"] is True


def test_the_replay_of_a_completed_course_says_so():
    events = [
        Envelope.of(SERVICE, e).model_dump(mode="json") for e in completed_course().collect_events()
    ]
    replayed = folds.rebuild(events).state["course"]
    assert replayed["status"] == "completed" and replayed["ended"]["sessions_attended"] == 2
