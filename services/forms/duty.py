"""The duty clinician of a site: the clinician a high risk flag escalates to at once. One
rota per site; a hand-over names who was on duty before, so the ledger shows who held each
escalation's site when it was raised. Pure domain."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

DUTY_ROTAS = UUID("7d0b7d8e-31a4-4c55-9a43-9f0f1f6b2c71")


def duty_rota_id(site_id: str) -> UUID:
    return uuid5(DUTY_ROTAS, site_id)


class DutyRota(Aggregate):
    @event("DutyRotaStarted")
    def __init__(self, *, id: UUID, site_id: str, meta: dict[str, Any]):
        self.site_id = site_id
        self.on_duty: str | None = None
        self.since: datetime | None = None

    def hand_over(self, *, staff_id: str, since: datetime, meta: dict) -> bool:
        """`staff_id` is on duty from `since`; False when they are already."""
        if staff_id == self.on_duty:
            return False
        self._assigned(staff_id=staff_id, previous_staff_id=self.on_duty, since=since, meta=meta)
        return True

    @event("DutyClinicianAssigned")
    def _assigned(
        self, staff_id: str, previous_staff_id: str | None, since: datetime, meta: dict
    ) -> None:
        self.on_duty = staff_id
        self.since = since
