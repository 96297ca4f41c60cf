"""Corrections of a client's details (name, contact details, birth date, NHS number): each an
event of its own, never a rewrite of the referral; the case keeps what was replaced, who
corrected it and when. Pure domain; a base class of Case (domain.py). Kafka carries only
which fields changed.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate, event

from services.intake import errors


class ClientRecord(Aggregate):
    if TYPE_CHECKING:  # attributes that Case sets
        client: dict[str, Any]
        corrections: list[dict[str, Any]]

    def correct_client_details(
        self, *, corrected: dict[str, Any], corrected_on: date, meta: dict
    ) -> list[str]:
        """Correct the client's details (name, contact details, ...) as an event of its own:
        the referral is never rewritten, and the history keeps what was replaced. Allowed in
        every stage (rectification outlives treatment); returns the fields that changed."""
        changed = sorted(k for k, v in corrected.items() if self.client.get(k) != v)
        if not changed:
            raise errors.InvalidInput("corrected", "changes nothing the case holds")
        previous = {k: self.client.get(k) for k in changed}
        self._client_details_corrected(
            fields=changed,
            previous=previous,
            corrected={k: corrected[k] for k in changed},
            corrected_on=corrected_on,
            meta=meta,
        )
        return changed

    @event("ClientDetailsCorrected")
    def _client_details_corrected(
        self, fields: list[str], previous: dict, corrected: dict, corrected_on: date, meta: dict
    ) -> None:
        self.client = {**self.client, **corrected}
        self.client = {k: v for k, v in self.client.items() if v is not None}
        record = {"fields": fields, "previous": previous, "corrected": corrected}
        self.corrections.append(record | {"on": corrected_on, "by": meta["actor"]["id"]})
