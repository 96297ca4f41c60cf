"""The route that enters a course held before the site went live (backdating.py says why it
is narrow): the site manager's only, checked here as well as by the gateway's policy."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException

from services.scheduling.api.deps import Scheduling
from services.scheduling.api.schemas import PlanIn
from services.scheduling.api.views import CourseOut
from services.scheduling.application import new_ids
from services.scheduling.backdating import BACKDATING_ROLE
from shared.actor import RequestMeta

router = APIRouter(prefix="/cases/{case_id}/course", tags=["courses"])


class BackdatedPlanIn(PlanIn):
    reason: Literal["held_before_go_live"]


@router.post("/backdated-plan", response_model=CourseOut)
async def plan_backdated(
    case_id: UUID, body: BackdatedPlanIn, app: Scheduling, meta: RequestMeta
) -> CourseOut:
    """A course that began before the site went live, entered from its paper records."""
    if meta.actor.role != BACKDATING_ROLE:
        raise HTTPException(403, f"only a {BACKDATING_ROLE} may back-date a course")
    course, now = await app.course(case_id), app.clock()
    course.plan_backdated(
        **body.model_dump(),
        calendar=await app.calendar(course.site_id, now),
        now=now,
        new_ids=new_ids(),
        meta=app._meta(meta, course),
    )
    await app.save("back-date the course", course)
    return CourseOut.of(course)
