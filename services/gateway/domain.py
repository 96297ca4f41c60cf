"""A read of a case: one aggregate per access, so recording one never waits for another.
The break-glass reason stays in the gateway's store; its event publishes the digest."""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class CaseAccess(Aggregate):
    @event("CaseViewed")
    def __init__(
        self,
        *,
        id: UUID,
        case_id: UUID,
        site_id: str | None,
        subject: str,
        view: str,  # the gateway route's path template: what was shown
        action: str,  # the policy table's action that allowed it
        role: str,
        break_glass: bool,
        reason: str | None,
        reason_sha256: str | None,
        meta: dict[str, Any],
    ):
        self.case_id = case_id
        self.site_id = site_id
        self.subject = subject
        self.view = view
        self.action = action
        self.role = role
        self.break_glass = break_glass
        self.reason = reason
        self.reason_sha256 = reason_sha256
