"""Commands around a case: enquiries (before a referral; an enquiry reserves the id of the
case its referral opens) and data-subject requests (separate aggregates, so they can be made
and decided whatever the case's stage). Get, mutate, save."""

from datetime import date
from uuid import UUID, uuid4

from services.intake.commands import ClientDetails, Commands
from services.intake.data_requests import DataSubjectRequest
from services.intake.domain import Case
from services.intake.enquiry import Enquiry
from services.intake.stages import not_before
from shared.envelope import Meta
from shared.eventstore import AggregateNotFound


class DeskCommands(Commands):
    """What the intake desk does around a case: enquiries before it, data-subject
    requests about it."""

    async def receive_enquiry(
        self, *, site_id: str, contact: ClientDetails, notes: str, received_on: date, meta: Meta
    ) -> Enquiry:
        """The enquiry reserves the id of the case its referral will open."""
        case_id = uuid4()
        enquiry = Enquiry(
            id=uuid4(),
            case_id=case_id,
            site_id=site_id,
            contact=contact.plain(),
            notes=notes,
            received_on=received_on,
            meta=self._meta(meta, case_id, site_id),
        )
        await self._save(enquiry)
        return enquiry

    async def refer_enquiry(
        self,
        enquiry_id: UUID,
        *,
        referral_source: str,
        referral_date: date,
        client: ClientDetails | None,
        meta: Meta,
    ) -> Case:
        """The enquiry becomes a referral: both saved at once. `client` adds to (and
        corrects) the enquiry's contact details."""
        enquiry = await self._get(Enquiry, enquiry_id)
        m = self._meta(meta, enquiry.case_id, enquiry.site_id)
        enquiry.convert(converted_on=referral_date, meta=m)
        case = Case(
            id=enquiry.case_id,
            referral_source=referral_source,
            referral_date=referral_date,
            site_id=enquiry.site_id,
            client={**enquiry.contact, **(client.plain() if client else {})},
            meta=m,
        )
        await self._save(enquiry, case)
        return case

    async def close_enquiry(
        self, enquiry_id: UUID, *, closure: str, closed_on: date, meta: Meta
    ) -> Enquiry:
        enquiry = await self._get(Enquiry, enquiry_id)
        m = self._meta(meta, enquiry.case_id, enquiry.site_id)
        enquiry.close(closure=closure, closed_on=closed_on, meta=m)
        await self._save(enquiry)
        return enquiry

    async def record_data_request(
        self, case_id: UUID, *, kind: str, received_on: date, meta: Meta
    ) -> DataSubjectRequest:
        case = await self._get(Case, case_id)
        not_before("received_on", received_on, case.referral_date, "request_after_referral",
                   "the referral date")  # fmt: skip
        return await self._request(case.id, case.site_id, kind, received_on, meta)

    async def record_enquirer_data_request(
        self, enquiry_id: UUID, *, kind: str, received_on: date, meta: Meta
    ) -> DataSubjectRequest:
        """A request by someone who only enquired: about the enquiry's (reserved) case id,
        so it joins the case's history if a referral follows."""
        enquiry = await self._get(Enquiry, enquiry_id)
        not_before("received_on", received_on, enquiry.received_on, "request_after_enquiry",
                   "the enquiry")  # fmt: skip
        return await self._request(enquiry.case_id, enquiry.site_id, kind, received_on, meta)

    async def _request(
        self, case_id: UUID, site_id: str, kind: str, received_on: date, meta: Meta
    ) -> DataSubjectRequest:
        request = DataSubjectRequest(
            id=uuid4(),
            case_id=case_id,
            site_id=site_id,
            kind=kind,
            received_on=received_on,
            meta=self._meta(meta, case_id, site_id),
        )
        await self._save(request)
        return request

    async def decide_data_request(
        self,
        case_id: UUID,
        request_id: UUID,
        *,
        decision: str,
        reason: str,
        decided_on: date,
        meta: Meta,
    ) -> DataSubjectRequest:
        request = await self._get(DataSubjectRequest, request_id)
        if request.case_id != case_id:
            raise AggregateNotFound(request_id)
        m = self._meta(meta, request.case_id, request.site_id)
        request.decide(decision=decision, reason=reason, decided_on=decided_on, meta=m)
        await self._save(request)
        return request
