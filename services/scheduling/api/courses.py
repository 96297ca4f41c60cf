"""Routes of a case's course: plan, re-plan, breaks, attendance, cancellations, rebooking,
the therapist's decision, and the course itself. Parse, call the application, answer."""

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Depends

from services.scheduling.api import schemas as s
from services.scheduling.api.deps import Queries, Scheduling, clock_from_header
from services.scheduling.api.views import CourseOut
from shared.actor import RequestMeta

router = APIRouter(
    prefix="/cases/{case_id}/course", tags=["courses"], dependencies=[Depends(clock_from_header)]
)


def pick_of(local: datetime | None) -> tuple | None:
    """A picked time is the site's wall clock: its date and HH:MM (an offset is ignored)."""
    return (local.date(), local.strftime("%H:%M")) if local else None


@router.get("", response_model=CourseOut)
async def course(case_id: UUID, queries: Queries, _: RequestMeta):
    return CourseOut.of(await queries.course_of(case_id))


@router.post("/plan", response_model=CourseOut)
async def plan_course(case_id: UUID, body: s.PlanIn, app: Scheduling, meta: RequestMeta):
    return CourseOut.of(await app.plan_course(case_id, **body.model_dump(), meta=meta))


@router.post("/replan", response_model=CourseOut)
async def replan_course(case_id: UUID, body: s.ReplanIn, app: Scheduling, meta: RequestMeta):
    return CourseOut.of(await app.replan_course(case_id, **body.model_dump(), meta=meta))


@router.post("/breaks", status_code=201, response_model=CourseOut)
async def plan_break(case_id: UUID, body: s.BreakIn, app: Scheduling, meta: RequestMeta):
    course, moved = await app.plan_break(case_id, **body.model_dump(), meta=meta)
    return CourseOut.of(course, sessions_moved=moved)


@router.post("/sessions/{session_id}/attendance", response_model=CourseOut)
async def record_attendance(
    case_id: UUID, session_id: UUID, body: s.AttendanceIn, app: Scheduling, meta: RequestMeta
):
    course, rebooked = await app.record_attendance(
        case_id, session_id, code=body.attendance_code, meta=meta
    )
    return CourseOut.of(course, rebooked_session_id=rebooked)


@router.post("/sessions/{session_id}/cancellation", response_model=CourseOut)
async def cancel_session(
    case_id: UUID, session_id: UUID, body: s.CancellationIn, app: Scheduling, meta: RequestMeta
):
    course, rebooked = await app.cancel_session(
        case_id, session_id, code=body.attendance_code, pick=pick_of(body.rebook_at), meta=meta
    )
    return CourseOut.of(course, rebooked_session_id=rebooked)


@router.post("/sessions/{session_id}/rebooking", response_model=CourseOut)
async def rebook_session(
    case_id: UUID, session_id: UUID, body: s.RebookIn, app: Scheduling, meta: RequestMeta
):
    course, booked = await app.rebook_session(
        case_id, session_id, pick=pick_of(body.rebook_at), meta=meta
    )
    return CourseOut.of(course, rebooked_session_id=booked)


@router.post("/decision", response_model=CourseOut)
async def record_decision(case_id: UUID, body: s.DecisionIn, app: Scheduling, meta: RequestMeta):
    return CourseOut.of(await app.decide(case_id, decision=body.decision, meta=meta))
