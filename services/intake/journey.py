"""Commands of a case's journey: referral, assessment, the waiting clock, allocation, the
first attended treatment session, discharge. Get, mutate, save; ids are made here."""

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from services.intake import clock
from services.intake.commands import ClientDetails, Commands
from services.intake.domain import Case
from services.intake.errors import DuplicateReferral
from shared.envelope import Meta


class CaseCommands(Commands):
    async def receive_referral(
        self,
        *,
        referral_source: str,
        referral_date: date,
        site_id: str,
        client: ClientDetails,
        meta: Meta,
        new_episode: bool = False,
    ) -> Case:
        """A new case; one for an NHS number with an open case needs `new_episode`."""
        case_id = uuid4()
        case = Case(
            id=case_id,
            referral_source=referral_source,
            referral_date=referral_date,
            site_id=site_id,
            client=client.plain(),
            meta=self._meta(meta, case_id, site_id),
        )
        if not client.nhs_number or new_episode or self.search is None:
            await self._save(case)
            return case
        # Two referrals of one NHS number at once, in any instance: one at a time from the
        # check to the commit, so the second sees the first's case and is refused.
        async with self.search.one_at_a_time(self.store.pool, client.nhs_number):
            open_cases = await self.search.open_cases_of(self.store.pool, client.nhs_number)
            if open_cases:
                raise DuplicateReferral(open_cases[0])
            await self._save(case)
        return case

    async def correct_client_details(
        self, case_id: UUID, *, corrected: dict[str, Any], meta: Meta
    ) -> tuple[Case, list[str]]:
        case = await self._get(Case, case_id)
        m = self._meta(meta, case.id, case.site_id)
        fields = case.correct_client_details(
            corrected=corrected, corrected_on=clock.today(), meta=m
        )
        await self._save(case)
        return case, fields

    async def book_assessment(
        self,
        case_id: UUID,
        *,
        scheduled_for: datetime,
        assessor_id: str,
        meta: Meta,
        appointment_id: UUID | None = None,
    ) -> Case:
        case = await self._get(Case, case_id)
        case.book_assessment(
            appointment_id=appointment_id or uuid4(),
            scheduled_for=scheduled_for,
            assessor_id=assessor_id,
            meta=self._meta(meta, case.id, case.site_id),
        )
        await self._save(case)
        return case

    async def record_assessment_outcome(
        self,
        case_id: UUID,
        *,
        suitable: bool,
        ending_code: str | None,
        reason: str,
        assessed_on: date,
        meta: Meta,
    ) -> Case:
        case = await self._get(Case, case_id)
        case.record_assessment_outcome(
            suitable=suitable,
            ending_code=ending_code,
            reason=reason,
            assessed_on=assessed_on,
            meta=self._meta(meta, case.id, case.site_id),
        )
        await self._save(case)
        return case

    async def pause_waiting(
        self, case_id: UUID, *, paused_from: date, reason: str, meta: Meta
    ) -> Case:
        case = await self._get(Case, case_id)
        case.pause(
            paused_from=paused_from,
            reason=reason,
            reason_digest=self.digests.of(case.id, reason),
            meta=self._meta(meta, case.id, case.site_id),
        )
        await self._save(case)
        return case

    async def resume_waiting(self, case_id: UUID, *, resumed_on: date, meta: Meta) -> Case:
        case = await self._get(Case, case_id)
        case.resume(resumed_on=resumed_on, meta=self._meta(meta, case.id, case.site_id))
        await self._save(case)
        return case

    async def allocate_therapist(
        self, case_id: UUID, *, therapist_id: str, allocated_on: date, meta: Meta
    ) -> Case:
        case = await self._get(Case, case_id)
        m = self._meta(meta, case.id, case.site_id)
        case.allocate(therapist_id=therapist_id, allocated_on=allocated_on, meta=m)
        await self._save(case)
        return case

    async def reallocate_therapist(
        self, case_id: UUID, *, therapist_id: str, reallocated_on: date, reason: str, meta: Meta
    ) -> Case:
        case = await self._get(Case, case_id)
        m = self._meta(meta, case.id, case.site_id)
        case.reallocate(
            therapist_id=therapist_id,
            reallocated_on=reallocated_on,
            reason=reason,
            reason_digest=self.digests.of(case.id, reason),
            meta=m,
        )
        await self._save(case)
        return case

    async def record_first_treatment_attended(
        self,
        case_id: UUID,
        *,
        attended_on: date,
        appointment_type: str,
        meta: Meta,
        appointment_id: UUID | None = None,
    ) -> Case:
        """Staff call it now; a policy on scheduling's attendance events will call it later
        (with the appointment id, and the scheduling event as the causation)."""
        case = await self._get(Case, case_id)
        case.record_first_treatment_attended(
            attended_on=attended_on,
            appointment_id=appointment_id,
            appointment_type=appointment_type,
            meta=self._meta(meta, case.id, case.site_id),
        )
        await self._save(case)
        return case

    async def discharge_case(
        self, case_id: UUID, *, ending_code: str, discharged_on: date, meta: Meta
    ) -> Case:
        case = await self._get(Case, case_id)
        m = self._meta(meta, case.id, case.site_id)
        case.discharge(ending_code=ending_code, discharged_on=discharged_on, meta=m)
        await self._save(case)
        return case
