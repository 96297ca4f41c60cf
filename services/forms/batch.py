"""A consumer batch of forms' reactions: the aggregates it changed (saved together at its
end, in the consumer's transaction) and what it reads inside that transaction; and a
course's outcome, computed from the scores the read model holds."""

from typing import Any
from uuid import UUID, uuid5

import asyncpg
from eventsourcing.domain import Aggregate

from services.forms.application import FORMS_NAMESPACE, FormsApplication
from services.forms.clinical import CourseOutcome
from services.forms.domain import FormInstance
from services.forms.outcomes import Pair, outcome


class Batch:
    """The aggregates a batch changed (saved together at its end) and reads inside its
    transaction."""

    def __init__(self, conn: asyncpg.Connection, app: FormsApplication):
        self.conn = conn
        self.app = app
        self.changed: dict[UUID, Aggregate] = {}

    async def exists(self, form_id: UUID) -> bool:
        if form_id in self.changed:
            return True
        found = await self.conn.fetchval("SELECT 1 FROM forms_instance WHERE form_id = $1", form_id)
        return found is not None

    async def form(self, form_id: UUID) -> FormInstance | None:
        if form_id not in self.changed and not await self.exists(form_id):
            return None
        if form_id not in self.changed:
            self.changed[form_id] = await self.app.form(form_id)
        form = self.changed[form_id]
        return form if isinstance(form, FormInstance) else None

    async def site_of(self, case_id: UUID) -> str | None:
        return await self.conn.fetchval(
            "SELECT site_id FROM forms_instance WHERE case_id = $1 LIMIT 1", case_id
        )

    async def course_of(self, case_id: UUID) -> UUID | None:
        """The course the case's sessions were booked in (one per case), if any."""
        for a in self.changed.values():  # forms this batch issued are not stored yet
            if isinstance(a, FormInstance) and a.case_id == case_id and a.course_id:
                return a.course_id
        found = await self.conn.fetchval(
            "SELECT course_id FROM forms_instance WHERE case_id = $1 AND course_id IS NOT NULL"
            " LIMIT 1",
            case_id,
        )
        return UUID(str(found)) if found else None  # asyncpg's UUID type would not transcode

    async def has_outcome(self, case_id: UUID) -> bool:
        pending = [a for a in self.changed.values() if isinstance(a, CourseOutcome)]
        if any(a.case_id == case_id for a in pending):
            return True
        found = await self.conn.fetchval("SELECT 1 FROM forms_outcome WHERE case_id = $1", case_id)
        return found is not None


async def course_outcome(
    conn: asyncpg.Connection, case_id: UUID, site_id: str, course_id: UUID | None,
    ended_on: Any, attended: int, meta: dict,
) -> CourseOutcome | None:  # fmt: skip
    """First and last paired PHQ-9/GAD-7 scores of the case; None without any."""
    rows = await conn.fetch(
        "SELECT phq9, gad7 FROM forms_instance WHERE case_id = $1 AND purpose = 'pre_session'"
        " AND status = 'completed' AND phq9 IS NOT NULL AND gad7 IS NOT NULL"
        " ORDER BY session_number, submitted_at",
        case_id,
    )
    if not rows:
        return None
    result = outcome(Pair(rows[0][0], rows[0][1]), Pair(rows[-1][0], rows[-1][1]), attended)
    measures = {
        "first_phq9": rows[0][0], "last_phq9": rows[-1][0], "first_gad7": rows[0][1],
        "last_gad7": rows[-1][1], "scored_sessions": len(rows), "finished": result.finished,
        "at_caseness_at_start": result.at_caseness_at_start,
        "reliable_improvement": result.reliable_improvement,
        "reliable_deterioration": result.reliable_deterioration,
        "recovered": result.recovered, "reliable_recovery": result.reliable_recovery,
    }  # fmt: skip
    return CourseOutcome(
        id=uuid5(FORMS_NAMESPACE, f"outcome:{case_id}"), case_id=case_id, site_id=site_id,
        course_id=course_id, ended_on=ended_on, sessions_attended=attended, measures=measures,
        meta=meta,
    )  # fmt: skip
