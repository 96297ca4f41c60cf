"""The intake case: a client's journey into and out of therapy, as events.

Pure domain: the standard library and eventsourcing.domain only. Event methods are
deterministic; the application computes ids, dates and metadata before calling them.
Every event method takes `meta`: the actor, correlation and causation ids, and the case
and site the event belongs to (built by the application).
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

REFERRAL_SOURCES = ("self", "gp", "other_professional", "other")


class IntakeError(Exception):
    """A command that the case's current state does not allow."""


class Case(Aggregate):
    @event("ReferralReceived")
    def __init__(
        self,
        *,
        id: UUID,  # noqa: A002 - the library takes the aggregate's id by this name
        referral_source: str,
        referral_date: date,
        site_id: str,
        client: dict[str, Any],
        meta: dict[str, Any],
    ):
        self.referral_source = referral_source
        self.referral_date = referral_date
        self.site_id = site_id
        self.client = client  # personal details: stored encrypted, never published
        self.status = "referred"
