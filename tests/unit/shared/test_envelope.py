from uuid import uuid4

import pytest

from shared.contracts import UnknownEventType
from shared.envelope import Envelope, event_id_of
from tests.support.aggregates import SERVICE, meta_for, new_counter


def test_event_id_is_the_same_for_the_same_place_in_the_store_and_differs_elsewhere():
    aggregate_id = uuid4()
    assert event_id_of("intake", aggregate_id, 3) == event_id_of("intake", aggregate_id, 3)
    assert event_id_of("intake", aggregate_id, 3) != event_id_of("intake", aggregate_id, 4)
    assert event_id_of("intake", aggregate_id, 3) != event_id_of("intake", uuid4(), 3)


def test_two_services_aggregates_with_one_id_have_different_event_ids():
    case_id = uuid4()  # scheduling and forms key aggregates by the case id too
    ids = {event_id_of(service, case_id, 1) for service in ("intake", "scheduling", "forms")}
    assert len(ids) == 3


def test_envelope_carries_only_the_fields_the_contract_declares():
    counter = new_counter()
    counter.increment(by=2, meta=meta_for(counter.id))
    event = counter.collect_events()[-1]
    object.__setattr__(event, "client_name", "Ada Example")  # a field with no contract

    envelope = Envelope.of(SERVICE, event)

    assert envelope.data == {"by": 2}
    assert envelope.type == f"{SERVICE}.Incremented"
    assert envelope.case_id == counter.id
    assert b"Ada" not in envelope.kafka_value()


def test_envelope_round_trips_through_kafka_bytes_and_has_canonical_json():
    event = new_counter().collect_events()[0]
    envelope = Envelope.of(SERVICE, event)

    assert Envelope.from_kafka(envelope.kafka_value()) == envelope
    assert envelope.canonical_json() == Envelope.from_kafka(envelope.kafka_value()).canonical_json()
    assert dict(envelope.kafka_headers())["event_id"] == str(envelope.event_id).encode()


def test_an_event_without_a_contract_is_refused_rather_than_published_whole():
    event = new_counter().collect_events()[0]
    with pytest.raises(UnknownEventType):
        Envelope.of("unknownservice", event)


def test_a_message_that_is_not_an_envelope_is_rejected():
    with pytest.raises(ValueError):
        Envelope.from_kafka(b'{"type": "x"}')
    with pytest.raises(ValueError):
        Envelope.from_kafka(None)
