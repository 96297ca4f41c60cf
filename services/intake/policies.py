"""What intake does on scheduling's events, in the consumer's transaction (its position is
recorded there too): the first attended treatment session of a scheduled course records
FirstTreatmentAttended on the case and stops the waiting clock, once. Staff no longer call
/first-treatment for scheduled courses; if they did first, the case keeps their record. A
completed course records TreatmentCourseCompleted: the case waits for its ending.
"""

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from services.intake import errors
from services.intake.commands import get_typed
from services.intake.domain import Case
from shared.consumer import Delivered
from shared.envelope import Envelope
from shared.eventstore import AggregateNotFound, EventStore

log = structlog.get_logger()
CONSUMER = "intake-scheduling"
# The day a session was attended is the day at the sites (scheduling's default zone).
SITE_ZONE = ZoneInfo("Europe/London")


class SchedulingPolicies:
    def __init__(self, store: EventStore):
        self.store = store

    async def handle(self, conn: asyncpg.Connection, batch: list[Delivered]) -> int:
        # The cases this batch has changed: its saves are not committed yet, so a second
        # event of a case in the batch must see the case as the first one left it.
        cases: dict[UUID, Case] = {}
        for delivered in batch:
            envelope = delivered.envelope
            if envelope.type == "scheduling.AttendanceRecorded" and envelope.data["first_attended"]:
                await self.first_treatment_attended(conn, envelope, cases)
            elif envelope.type == "scheduling.CourseCompleted":
                await self.course_completed(conn, envelope, cases)
        return len(batch)

    async def _case(self, case_id: UUID, cases: dict[UUID, Case]) -> Case:
        if case_id not in cases:
            cases[case_id] = await get_typed(self.store, Case, case_id)
        return cases[case_id]

    async def course_completed(
        self, conn: asyncpg.Connection, e: Envelope, cases: dict[UUID, Case]
    ) -> None:
        if e.case_id is None:
            return
        try:
            case = await self._case(e.case_id, cases)
            recorded = case.record_course_completed(
                course_id=UUID(e.data["course_id"]),
                completed_on=date.fromisoformat(e.data["completed_on"]),
                sessions_attended=e.data["sessions_attended"],
                meta=e.caused_meta(),
            )
        except (AggregateNotFound, errors.NotAllowed, errors.InvalidInput) as refused:
            # The case was discharged first, or is not intake's: nothing to record.
            log.info(
                "intake.course_completion_not_recorded", case_id=str(e.case_id), why=str(refused)
            )
            return
        if recorded:
            await self.store.save(case, conn=conn)

    async def first_treatment_attended(
        self, conn: asyncpg.Connection, e: Envelope, cases: dict[UUID, Case]
    ) -> None:
        if e.case_id is None:
            return
        try:
            case = await self._case(e.case_id, cases)
            attended = datetime.fromisoformat(e.data["starts_at"]).astimezone(SITE_ZONE)
            case.record_first_treatment_attended(
                attended_on=attended.date(),
                appointment_id=UUID(e.data["session_id"]),
                appointment_type=e.data["appointment_type"],
                meta=e.caused_meta(),
            )
        except (AggregateNotFound, errors.NotAllowed, errors.InvalidInput) as refused:
            # Recorded by staff already, or the case moved on: nothing to do, said once.
            log.info(
                "intake.first_treatment_not_recorded", case_id=str(e.case_id), why=str(refused)
            )
            return
        await self.store.save(case, conn=conn)
