"""What the consumer checks before a message reaches a handler: the envelope and the contract
of its event type; what it does not know is not the message's fault."""

import json

import pytest
from pydantic import ValidationError

from shared.poison import parse
from tests.integration.pipeline_helpers import incremented


def with_envelope(value: bytes, **changes) -> bytes:
    return json.dumps({**json.loads(value), **changes}).encode()


def test_a_message_that_keeps_its_contract_parses():
    assert parse(incremented(by=3)).data == {"by": 3}


@pytest.mark.parametrize(
    "value",
    [
        b"{not json",
        None,
        incremented(by="three"),
        incremented(by=3, name="Ada Example"),  # a name on Kafka: never
        with_envelope(incremented(by=3), event_id="not a uuid"),
    ],
)
def test_a_message_that_breaks_its_envelope_or_contract_is_refused(value):
    with pytest.raises(ValueError):
        parse(value)


def test_an_event_type_this_code_does_not_know_is_passed_to_the_handler():
    value = with_envelope(incremented(by=3), type="pipelinetest.Decremented")
    assert parse(value).type == "pipelinetest.Decremented"


def test_a_schema_version_other_than_the_contracts_is_not_checked_against_it():
    value = with_envelope(incremented(by="three"), schema_version=2)
    assert parse(value).schema_version == 2
    with pytest.raises(ValidationError):
        parse(with_envelope(incremented(by="three"), schema_version=1))
