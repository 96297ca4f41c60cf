"""Concurrent commands on one case against the real PostgreSQL: one wins, the other gets a
conflict (HTTP 409), and no event is lost or duplicated."""

import asyncio
from datetime import date

import pytest

from services.intake.application import IntakeApplication
from services.intake.errors import CaseAlreadyAllocated
from shared.eventstore import ConcurrencyConflict, EventStore
from tests.integration.intake.steps import staff, waiting

IPAF = {
    "self_representation": "s",
    "other_representation": "o",
    "affect": "a",
    "defensive_function": "d",
}


class LoadTogetherStore(EventStore):
    """Every command loads the case before any of them saves: the race at its sharpest."""

    def __init__(self, store: EventStore, clients: int):
        super().__init__(store.pool, store.mapper, store.projection)
        self.barrier = asyncio.Barrier(clients)

    async def get(self, aggregate_id, version=None):
        aggregate = await super().get(aggregate_id, version)
        await self.barrier.wait()
        return aggregate


async def stored_types(store: EventStore, case_id) -> list[tuple[int, str]]:
    rows = await store.pool.fetch(
        "SELECT originator_version, topic FROM stored_events"
        " WHERE originator_id = $1 ORDER BY originator_version",
        case_id,
    )
    return [(r["originator_version"], r["topic"].rsplit(".", 1)[-1]) for r in rows]


async def test_two_clients_allocating_one_case_at_once_one_wins_the_other_conflicts(
    intake_app: IntakeApplication, intake_store: EventStore
):
    case_id = await waiting(intake_app, date(2026, 3, 2))
    racing = LoadTogetherStore(intake_store, clients=2)
    clients = [IntakeApplication(racing), IntakeApplication(racing)]

    results = await asyncio.gather(
        *[
            client.allocate_therapist(
                case_id, therapist_id=f"therapist-{n}", allocated_on=date(2026, 3, 9), meta=staff()
            )
            for n, client in enumerate(clients)
        ],
        return_exceptions=True,
    )

    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert [type(r) for r in results if isinstance(r, BaseException)] == [ConcurrencyConflict]
    events = await stored_types(intake_store, case_id)
    assert [v for v, _ in events] == list(range(1, len(events) + 1))
    assert [t for _, t in events].count("TherapistAllocated") == 1
    index = await intake_store.pool.fetchrow(
        "SELECT version, therapist_id FROM intake_case_index WHERE case_id = $1", case_id
    )
    assert tuple(index) == (winners[0].version, winners[0].therapist_id)
    with pytest.raises(CaseAlreadyAllocated):
        await intake_app.allocate_therapist(
            case_id, therapist_id="therapist-9", allocated_on=date(2026, 3, 9), meta=staff()
        )


async def test_many_concurrent_revisions_store_exactly_the_ones_that_succeeded(
    intake_app: IntakeApplication, intake_store: EventStore
):
    case_id = await waiting(intake_app, date(2026, 3, 2))
    await intake_app.allocate_therapist(
        case_id, therapist_id="therapist-1", allocated_on=date(2026, 3, 9), meta=staff()
    )
    clients = [IntakeApplication(intake_store) for _ in range(8)]

    results = await asyncio.gather(
        *[
            c.record_ipaf(case_id, parts=IPAF, agreed_on=date(2026, 3, 16), meta=staff())
            for c in clients
        ],
        return_exceptions=True,
    )

    succeeded = [r for r in results if not isinstance(r, BaseException)]
    failed = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(f, ConcurrencyConflict) for f in failed)
    events = await stored_types(intake_store, case_id)
    assert [v for v, _ in events] == list(range(1, len(events) + 1))
    assert [t for _, t in events].count("IpafRecorded") == len(succeeded) >= 1
    case = await intake_store.get(case_id)
    assert [r["revision"] for r in case.ipaf] == list(range(1, len(succeeded) + 1))
    assert sorted(revision for _, revision in succeeded) == list(range(1, len(succeeded) + 1))
