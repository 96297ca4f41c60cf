"""Scheduling's events on one case that reach intake's consumer in one batch, each with an
effect on the case: the first attended session (FirstTreatmentAttended) and the course's
completion (TreatmentCourseCompleted), as a one-session course gives them in one save, or a
course entered from paper records whose sessions are recorded one after another. Both are
recorded; the consumer does not retry the batch for ever on its own first save."""

from datetime import date, timedelta
from uuid import uuid4

from tests.integration.intake.steps import allocated
from tests.integration.scheduling.conftest import META
from tests.integration.scheduling.pipeline import pipeline
from tests.integration.scheduling.test_scheduling_with_intake import (
    REFERRED,
    _has_course,
    session,
)

FIRST = date(2026, 1, 12)


async def test_the_first_session_and_the_completion_in_one_batch_are_both_recorded():
    async with pipeline() as p:
        case_id = await allocated(p.intake, REFERRED, f"t-{uuid4().hex[:8]}")
        await p.until(lambda: _has_course(p, case_id))
        course = await p.scheduling.plan_course(
            case_id, first_date=FIRST, local_time="10:00", mode="video", room_id=None,
            sessions=1, meta=META,
        )  # fmt: skip
        only = session(course, 1)
        p.clock.now = only.starts_at + timedelta(minutes=5)
        course, _ = await p.scheduling.record_attendance(
            case_id, only.session_id, code="5", meta=META
        )
        assert course.status == "completed"

        async def both() -> bool:
            case = await p.intake.store.get(case_id)
            return case.first_treatment_on is not None and case.course_completed is not None

        await p.until(both, seconds=30)
        names = [type(e).__name__ for e in await p.intake.store.events(case_id)]
        assert names.count("FirstTreatmentAttended") == 1
        assert names.count("TreatmentCourseCompleted") == 1
