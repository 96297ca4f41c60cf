"""An enquiry: someone asking for an informal chat, before any referral. Pure domain.

The enquiry reserves the case id its referral will have, so every event of one client's
journey, the enquiry's included, carries the same case id (the Kafka key and the audit
ledger's case history). Contact details and notes stay in the intake store.
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.stages import not_before

OPEN, CONVERTED, CLOSED = "open", "converted", "closed"


class Enquiry(Aggregate):
    @event("EnquiryReceived")
    def __init__(
        self,
        *,
        id: UUID,
        case_id: UUID,
        site_id: str,
        contact: dict[str, Any],
        notes: str,
        received_on: date,
        meta: dict[str, Any],
    ):
        self.case_id = case_id
        self.site_id = site_id
        self.contact = contact  # personal details: stored encrypted, never published
        self.notes = notes  # free text: likewise
        self.received_on = received_on
        self.status = OPEN
        self.closure: str | None = None

    def convert(self, *, converted_on: date, meta: dict) -> None:
        """The enquiry became a referral (the Case is created in the same save)."""
        self._require_open("make the enquiry a referral")
        not_before(
            "referral_date", converted_on, self.received_on, "referral_after_enquiry", "the enquiry"
        )
        self._converted(converted_on=converted_on, meta=meta)

    @event("EnquiryConverted")
    def _converted(self, converted_on: date, meta: dict) -> None:
        self.status = CONVERTED

    def close(self, *, closure: str, closed_on: date, meta: dict) -> None:
        self._require_open("close the enquiry")
        not_before("closed_on", closed_on, self.received_on, "closure_after_enquiry", "the enquiry")
        self._closed(closure=closure, closed_on=closed_on, meta=meta)

    @event("EnquiryClosed")
    def _closed(self, closure: str, closed_on: date, meta: dict) -> None:
        self.status = CLOSED
        self.closure = closure

    def _require_open(self, action: str) -> None:
        if self.status != OPEN:
            raise errors.EnquiryNotOpen(action, self.status, subject="enquiry")
