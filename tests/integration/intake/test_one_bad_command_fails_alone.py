"""One allocation with a NUL in its therapist id, among many concurrent commands of the
intake application with its case index, fails alone and names the field (issue 7, fault 1)."""

import asyncio
from datetime import date

import asyncpg
import pytest

from services.intake import SERVICE
from services.intake.application import IntakeApplication
from shared.envelope import ContractViolation, contract_check
from shared.eventstore import EventStore
from tests.integration.intake.steps import staff, waiting

ROUNDS, SAVES = 20, 30


@pytest.fixture
def checked_store(intake_store: EventStore) -> EventStore:
    """As the service builds it: every event checked against its contract before saving."""
    return EventStore(
        intake_store.pool, intake_store.mapper, intake_store.projection, contract_check(SERVICE)
    )


async def allocate_with_one_poisoned(intake_app: IntakeApplication) -> tuple[list, list]:
    """30 waiting cases allocated at once, the middle one to a therapist id holding a NUL."""
    cases = await asyncio.gather(*(waiting(intake_app, date(2026, 3, 2)) for _ in range(SAVES)))
    therapists = [f"t-{n}" for n in range(SAVES)]
    therapists[SAVES // 2] = "t-\x00-1"
    results = await asyncio.gather(
        *(
            intake_app.allocate_therapist(
                case_id, therapist_id=therapist, allocated_on=date(2026, 3, 9), meta=staff()
            )
            for case_id, therapist in zip(cases, therapists, strict=True)
        ),
        return_exceptions=True,
    )
    return cases, results


async def test_one_allocation_with_a_nul_therapist_fails_alone_naming_the_field(
    checked_store: EventStore,
):
    intake_app = IntakeApplication(checked_store)
    for _ in range(ROUNDS):
        cases, results = await allocate_with_one_poisoned(intake_app)

        refused = results.pop(SAVES // 2)
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert isinstance(refused, ContractViolation), repr(refused)
        assert refused.field == "data.therapist_id"
        assert (await checked_store.get(cases[SAVES // 2])).therapist_id is None
        allocated = await checked_store.pool.fetchval(
            "SELECT count(*) FROM intake_case_index"
            " WHERE case_id = ANY($1::uuid[]) AND therapist_id IS NOT NULL",
            cases,
        )
        assert allocated == SAVES - 1


async def test_a_value_the_case_index_refuses_fails_only_its_own_save(intake_store: EventStore):
    """Without the contract check the NUL reaches PostgreSQL, which refuses it in the case
    index; the group commit then retries the group in parts and only that save fails."""
    intake_app = IntakeApplication(intake_store)
    for _ in range(ROUNDS):
        cases, results = await allocate_with_one_poisoned(intake_app)

        refused = results.pop(SAVES // 2)
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert isinstance(refused, asyncpg.DataError), repr(refused)
        assert (await intake_store.get(cases[SAVES // 2])).therapist_id is None
