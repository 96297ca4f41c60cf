"""A small aggregate and its contract for exercising the shared pipeline in tests."""

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from shared.contracts import EventContract
from shared.envelope import Actor, Meta

SERVICE = "pipelinetest"


class Counter(Aggregate):
    @event("Started")
    def __init__(self, *, id: UUID, meta: dict):
        self.count = 0

    @event("Incremented")
    def increment(self, by: int, meta: dict) -> None:
        self.count += by


class Started(EventContract):
    type = f"{SERVICE}.Started"


class Incremented(EventContract):
    type = f"{SERVICE}.Incremented"

    by: int


def meta_for(case_id: UUID) -> dict:
    return Meta(
        actor=Actor(id="tester", role="admin"), correlation_id=str(uuid4()), case_id=case_id
    ).for_event()


def new_counter(increments: int = 0) -> Counter:
    case_id = uuid4()
    counter = Counter(id=case_id, meta=meta_for(case_id))
    for _ in range(increments):
        counter.increment(by=1, meta=meta_for(case_id))
    return counter
