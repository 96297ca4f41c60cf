"""What scheduling does on intake's events, in the consumer's transaction (its position is
recorded there too): an allocation opens the course (once: its id follows from the case's),
an assessment takes its assessor's time, consents open or shut the gate on treatment, a
reallocation moves the sessions to come, a discharge cancels them and closes the course.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from services.scheduling import diary, errors, readmodel
from services.scheduling.application import Clock, Store, utc_now
from services.scheduling.domain import Course
from services.scheduling.site_calendar import DEFAULT_ZONE
from shared.consumer import Delivered
from shared.envelope import Envelope
from shared.eventstore import ConcurrencyConflict, EventStore

log = structlog.get_logger()
ASSESSMENT_MINUTES = 60
CONSUMER = "scheduling-intake"


class IntakePolicies(Store):
    def __init__(self, store: EventStore, clock: Clock = utc_now):
        super().__init__(store)
        self.clock = clock

    async def handle(self, conn: asyncpg.Connection, batch: list[Delivered]) -> int:
        courses: dict[UUID, Course] = {}  # this batch's courses, ahead of the commit
        for delivered in batch:
            envelope = delivered.envelope
            react = REACTIONS.get(envelope.type)
            if react is not None and envelope.case_id is not None:
                await react(self, conn, envelope, courses)
        return len(batch)

    async def _course(self, envelope: Envelope, courses: dict[UUID, Course]) -> Course | None:
        assert envelope.case_id is not None
        if envelope.case_id not in courses:
            try:
                courses[envelope.case_id] = await self.course(envelope.case_id)
            except errors.NotFound:
                log.info(
                    "scheduling.no_course_for_event",
                    type=envelope.type,
                    case_id=str(envelope.case_id),
                )
                return None
        return courses[envelope.case_id]

    async def open_course(self, conn: asyncpg.Connection, e: Envelope, courses: dict) -> None:
        assert e.case_id is not None
        if e.case_id in courses or await self._exists(e.case_id):
            return  # the allocation came twice
        course = Course.open(
            case_id=e.case_id,
            site_id=e.site_id or "unknown",
            therapist_id=e.data["therapist_id"],
            allocated_on=datetime.fromisoformat(e.data["allocated_on"]).date(),
            meta=e.caused_meta(),
        )
        try:
            await self.save("open the course", course, conn=conn)
        except ConcurrencyConflict:
            return  # another instance opened it a moment ago
        courses[e.case_id] = course

    async def book_assessment(self, conn: asyncpg.Connection, e: Envelope, _: dict) -> None:
        starts = datetime.fromisoformat(e.data["scheduled_for"])
        local = starts.astimezone(ZoneInfo(DEFAULT_ZONE)).strftime("%Y-%m-%dT%H:%M")
        row = (
            UUID(e.data["appointment_id"]),
            "assessment",
            e.case_id,
            None,
            None,
            None,
            "booked",
            None,
            e.site_id,
            e.data["assessor_id"],
            None,
            "room",
            local,
            DEFAULT_ZONE,
            starts,
            starts + timedelta(minutes=ASSESSMENT_MINUTES),
        )
        if not await readmodel.reserve_assessment(conn, row):
            log.warning(
                "scheduling.assessment_clashes",
                case_id=str(e.case_id),
                assessor_id=e.data["assessor_id"],
                starts_at=starts.isoformat(),
            )

    async def note_consent(self, conn: asyncpg.Connection, e: Envelope, courses: dict) -> None:
        course = await self._course(e, courses)
        withdrawn = e.type == "intake.ConsentWithdrawn"
        if course and course.note_consent(
            consent_id=UUID(e.data["consent_id"]),
            document=e.data["document"],
            withdrawn=withdrawn,
            meta=e.caused_meta(),
        ):
            await self.save("note the consent", course, conn=conn)

    async def reallocate(self, conn: asyncpg.Connection, e: Envelope, courses: dict) -> None:
        course = await self._course(e, courses)
        if course is None:
            return
        now, therapist = self.clock(), e.data["therapist_id"]
        coming = [s for s in course.booked_sessions() if s.starts_at >= now]
        taken = await diary.clashes(
            conn, therapist, None, [(s.starts_at, s.ends_at) for s in coming], course.id
        )
        clashing = {s.session_id for s in coming for r in taken if _overlaps(s, r)}
        on = datetime.fromisoformat(e.data["reallocated_on"]).date()
        course.reallocate(
            therapist_id=therapist,
            reallocated_on=on,
            clashing=clashing,
            now=now,
            meta=e.caused_meta(),
        )
        await self.save("move the sessions to the new therapist", course, conn=conn)

    async def close(self, conn: asyncpg.Connection, e: Envelope, courses: dict) -> None:
        course = await self._course(e, courses)
        if course is None:
            return
        on = datetime.fromisoformat(e.data["discharged_on"]).date()
        course.close(closed_on=on, now=self.clock(), meta=e.caused_meta())
        await self.save("close the course", course, conn=conn)

    async def _exists(self, case_id: UUID) -> bool:
        try:
            await self.course(case_id)
            return True
        except errors.NotFound:
            return False


def _overlaps(session: Any, reservation: asyncpg.Record) -> bool:
    during = reservation["during"]
    return session.starts_at < during.upper and during.lower < session.ends_at


REACTIONS = {
    "intake.TherapistAllocated": IntakePolicies.open_course,
    "intake.AssessmentBooked": IntakePolicies.book_assessment,
    "intake.ConsentRecorded": IntakePolicies.note_consent,
    "intake.ConsentWithdrawn": IntakePolicies.note_consent,
    "intake.TherapistReallocated": IntakePolicies.reallocate,
    "intake.CaseDischarged": IntakePolicies.close,
}
__all__ = ["CONSUMER", "IntakePolicies"]
