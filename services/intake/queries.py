"""Queries of the intake service for staff apps: a case's state and timeline (from its
events), a site's waiting list and its counts against the standards, and a therapist's
caseload (from the case index, which is written with the events, so never behind them)."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from services.intake import SERVICE, clock, readmodel
from services.intake.commands import get_typed
from services.intake.data_requests import DataSubjectRequest
from services.intake.domain import Case
from services.intake.enquiry import Enquiry
from services.intake.search import SearchIndex
from services.intake.templates import DocumentTemplate, template_id
from services.intake.waiting import breaches, days_waited
from shared.envelope import Envelope
from shared.eventstore import AggregateNotFound, EventStore


class IntakeQueries:
    def __init__(
        self,
        store: EventStore,
        today: Callable[[], date] = clock.today,
        search: SearchIndex | None = None,
    ):
        self.store = store
        self.today = today
        self.search = search or SearchIndex()

    async def find_clients(self, site_id: str, **criteria: Any) -> list[dict[str, Any]]:
        """Cases and enquiries of the site matching the criteria, by the blind index; only
        the rows found are decrypted, to name who they are."""
        rows = await self.search.find(self.store.pool, site_id, **criteria)
        return [await self._hit(row) for row in rows]

    async def open_enquiries(self, site_id: str) -> list[dict[str, Any]]:
        rows = await self.search.open_enquiries(self.store.pool, site_id)
        return [await self._hit(row) for row in rows]

    async def _hit(self, row: Any) -> dict[str, Any]:
        aggregate = await self.store.get(row["aggregate_id"])
        person = aggregate.client if isinstance(aggregate, Case) else aggregate.contact
        keys = ("kind", "case_id", "site_id", "status", "received_on")
        return {"id": row["aggregate_id"], **{k: row[k] for k in keys}} | {
            "name": person.get("name"),
            "date_of_birth": person.get("date_of_birth"),
        }

    async def case(self, case_id: UUID) -> Case:
        return await get_typed(self.store, Case, case_id)

    async def cases(self, case_ids: Sequence[UUID]) -> list[Case]:
        """The cases named, each once, in the order asked; an id that is no case is left out.
        One read of all their events (a composed view over many cases asks for them at once)."""
        return [case for case in await self.store.get_many(case_ids) if isinstance(case, Case)]

    async def enquiry(self, enquiry_id: UUID) -> Enquiry:
        return await get_typed(self.store, Enquiry, enquiry_id)

    async def template(self, kind: str) -> DocumentTemplate:
        return await get_typed(self.store, DocumentTemplate, template_id(kind))

    async def data_request(self, case_id: UUID, request_id: UUID) -> DataSubjectRequest:
        request = await get_typed(self.store, DataSubjectRequest, request_id)
        if request.case_id != case_id:
            raise AggregateNotFound(request_id)
        return request

    async def timeline(self, case_id: UUID) -> list[dict[str, Any]]:
        """Every event of the case, its enquiry and its data requests, in the order they were
        committed (the order the relay publishes them, so the audit ledger's), in their
        public form (what Kafka carries)."""
        members = {case_id, *await self.search.members_of(self.store.pool, case_id)}
        by_place = {
            (event.originator_id, event.originator_version): event
            for member in members
            for event in await self.store.events(member)
        }
        if not any(isinstance(e, Case.Event | Enquiry.Event) for e in by_place.values()):
            raise AggregateNotFound(case_id)
        order = await self.store.pool.fetch(
            "SELECT originator_id, originator_version FROM stored_events"
            " WHERE originator_id = ANY($1::uuid[]) ORDER BY notification_id",
            list(members),
        )
        return [_entry(by_place[tuple(row)]) for row in order if tuple(row) in by_place]

    async def waiting_list(
        self, site_id: str, past_weeks: int | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[dict]:
        """Clients of the site whose waiting clock runs, oldest referral first; with
        `past_weeks`, only those who have waited longer. A page: `limit` after `offset`."""
        today = self.today()
        rows = await readmodel.waiting(
            self.store.pool,
            site_id,
            today,
            waited_more_than=None if past_weeks is None else past_weeks * 7,
            limit=limit,
            offset=offset,
        )
        return [_waiting_entry(r, today) for r in rows]

    async def waiting_standards(self, site_id: str) -> dict[str, Any]:
        """How many clients of the site wait today, and how many within each standard."""
        today = self.today()
        counts = await readmodel.waiting_counts(self.store.pool, site_id, today)
        return {"site_id": site_id, "measured_on": today, **counts}

    async def caseload(self, therapist_id: str) -> list[dict[str, Any]]:
        rows = await readmodel.caseload(self.store.pool, therapist_id)
        keys = ("case_id", "site_id", "episode_status", "referral_date", "allocated_on")
        return [
            {k: r[k] for k in (*keys, "first_treatment_on", "course_completed_on")} for r in rows
        ]


def _entry(event: Any) -> dict[str, Any]:
    envelope = Envelope.of(SERVICE, event)
    return {"version": envelope.originator_version} | envelope.model_dump(
        include={"originator_id", "type", "occurred_at", "actor", "data"}
    )


def _waiting_entry(row: Any, today: date) -> dict[str, Any]:
    waited = days_waited(row["referral_date"], today, row["paused_days"], row["paused_since"])
    return {
        "case_id": row["case_id"],
        "status": row["status"],
        "episode_status": row["episode_status"],
        "referral_date": row["referral_date"],
        "therapist_id": row["therapist_id"],
        "paused_since": row["paused_since"],
        "waited_days": waited,
        "waited_weeks": waited // 7,
        **breaches(waited),
    }
