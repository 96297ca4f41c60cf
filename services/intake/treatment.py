"""The end of the course of treatment as intake records it: scheduling completed the course
(its last session attended), so the case is ready for its ending (the goodbye letter, the
discharge with an ending code such as 46, mutually agreed completion). The case stays active
until staff discharge it: the ending code is a clinician's decision, not scheduling's. Pure
domain; a base class of Case (domain.py).
"""

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.intake.stages import ACTIVE, not_before, require


class CourseOfTreatment(Aggregate):
    if TYPE_CHECKING:  # attributes that Case sets
        status: str

        @property
        def state(self) -> str: ...  # a property of Case

        allocations: list[dict[str, Any]]
        course_completed: dict[str, Any] | None

    def record_course_completed(
        self, *, course_id: UUID, completed_on: date, sessions_attended: int, meta: dict
    ) -> bool:
        """Scheduling's course of the case completed; False when it was recorded already
        (scheduling's event may come twice)."""
        if self.course_completed and self.course_completed["course_id"] == course_id:
            return False
        require(self.status, self.state, "record the completed course", (ACTIVE,))
        not_before("completed_on", completed_on, self.allocations[0]["on"],
                   "completion_after_allocation", "the allocation")  # fmt: skip
        self._course_completed(
            course_id=course_id,
            completed_on=completed_on,
            sessions_attended=sessions_attended,
            meta=meta,
        )
        return True

    @event("TreatmentCourseCompleted")
    def _course_completed(
        self, course_id: UUID, completed_on: date, sessions_attended: int, meta: dict
    ) -> None:
        self.course_completed = {
            "course_id": course_id,
            "completed_on": completed_on,
            "sessions_attended": sessions_attended,
        }
