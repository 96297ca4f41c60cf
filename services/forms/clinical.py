"""The therapist's own clinical risk assessment (FHIR RiskAssessment: a level and a risk
management plan, revised at any session) and a course's outcome. Pure domain."""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

RISK_LEVELS = ("low", "moderate", "high")  # FHIR RiskAssessment qualitativeRisk


class RiskAssessment(Aggregate):
    """One per case (its id derives from the case's); every revision is kept."""

    @event("RiskAssessmentStarted")
    def __init__(self, *, id: UUID, case_id: UUID, site_id: str, meta: dict[str, Any]):
        self.case_id = case_id
        self.site_id = site_id
        self.revisions: list[dict[str, Any]] = []

    def record(
        self,
        *,
        level: str,
        plan: str,
        plan_sha256: str,
        session_id: UUID | None,
        assessed_on: date,
        meta: dict,
    ) -> None:
        self._recorded(revision=len(self.revisions) + 1, level=level, plan=plan,
                       plan_sha256=plan_sha256, session_id=session_id,
                       assessed_on=assessed_on, meta=meta)  # fmt: skip

    @event("RiskAssessmentRecorded")
    def _recorded(
        self,
        revision: int,
        level: str,
        plan: str,
        plan_sha256: str,
        session_id: UUID | None,
        assessed_on: date,
        meta: dict,
    ) -> None:
        self.revisions.append({
            "revision": revision, "level": level, "plan": plan, "plan_sha256": plan_sha256,
            "session_id": session_id, "assessed_on": assessed_on,
            "assessed_by": meta["actor"]["id"],
        })  # fmt: skip


class CourseOutcome(Aggregate):
    """First and last scores of a course and what they mean (outcomes.py), recorded once
    when the course completes or the treated case is discharged."""

    @event("OutcomeRecorded")
    def __init__(
        self,
        *,
        id: UUID,
        case_id: UUID,
        site_id: str,
        course_id: UUID | None,
        ended_on: date,
        sessions_attended: int,
        measures: dict[str, Any],
        meta: dict[str, Any],
    ):
        self.case_id = case_id
        self.site_id = site_id
        self.course_id = course_id
        self.ended_on = ended_on
        self.sessions_attended = sessions_attended
        self.measures = measures
