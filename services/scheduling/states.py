"""The states of a course and the refusals of commands it does not allow. Pure."""

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from services.scheduling import errors

AWAITING_PLAN, PLANNED, COMPLETED, CLOSED = "awaiting_plan", "planned", "completed", "closed"


class CourseState(Aggregate):
    if TYPE_CHECKING:  # attributes that Course sets
        status: str
        pattern: Any
        ended: dict[str, Any] | None

    def _require_open(self, action: str) -> None:
        if self.status == CLOSED:
            assert self.ended is not None
            on = self.ended["closed_on"].isoformat()
            raise errors.CourseIsClosed(action, f"the course closed on {on} (discharged)")
        if self.status == COMPLETED:
            raise errors.CourseIsCompleted(action, "the course is completed")

    def _require_planned(self, action: str) -> None:
        self._require_open(action)
        if self.pattern is None:
            raise errors.CourseNotPlanned(action, "the course is not planned yet")
