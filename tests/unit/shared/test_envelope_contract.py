"""An event that cannot make a valid envelope is refused with the field named (issue 7,
faults 1 and 6): a control character in an id, a value its contract refuses."""

import json
from typing import Any
from uuid import uuid4

import pytest

from shared.envelope import ContractViolation, Envelope, contract_check
from tests.support.aggregates import SERVICE, Counter, meta_for


def incremented(by: Any, **meta_changes: Any) -> Any:
    case_id = uuid4()
    counter = Counter(id=case_id, meta=meta_for(case_id))
    counter.increment(by=by, meta={**meta_for(case_id), **meta_changes})
    return counter.collect_events()[-1]


def test_a_value_the_contract_refuses_is_named_by_its_field():
    with pytest.raises(ContractViolation) as refused:
        contract_check(SERVICE)(incremented(by=1.5))
    assert refused.value.field == "data.by"
    assert refused.value.event_type == f"{SERVICE}.Incremented"


@pytest.mark.parametrize("bad", ["site\x00", "line\nbreak", "bell\x07", "del\x7f"])
def test_a_control_character_in_an_id_is_named_by_its_field(bad: str):
    with pytest.raises(ContractViolation) as refused:
        Envelope.of(SERVICE, incremented(by=1, site_id=bad))
    assert refused.value.field == "meta.site_id"


def test_a_control_character_in_the_actor_is_named_by_its_field():
    event = incremented(by=1, actor={"id": "staff\x00", "role": "admin"})
    with pytest.raises(ContractViolation) as refused:
        Envelope.of(SERVICE, event)
    assert refused.value.field == "meta.actor.id"


def test_a_message_from_kafka_holding_a_nul_does_not_parse():
    fields = Envelope.of(SERVICE, incremented(by=1)).model_dump(mode="json")
    poisoned = json.dumps({**fields, "correlation_id": "corr\x00"}).encode()
    with pytest.raises(ValueError, match="correlation_id holds a control character"):
        Envelope.from_kafka(poisoned)
