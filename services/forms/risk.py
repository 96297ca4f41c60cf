"""Risk commands: a clinician acknowledges a flag with the action taken; the therapist
records (and revises) the case's clinical risk assessment."""

from datetime import date
from uuid import UUID, uuid5

from services.forms.clinical import RiskAssessment
from services.forms.commands import FORMS_NAMESPACE, Commands, event_meta
from services.forms.domain import RiskFlag
from services.forms.duty import DutyRota, duty_rota_id
from services.forms.errors import NotFound
from services.forms.responses import sha256_of
from shared.envelope import Meta
from shared.eventstore import AggregateNotFound


class RiskCommands(Commands):
    async def acknowledge_flag(
        self, flag_id: UUID, *, action: str, note: str, meta: Meta
    ) -> RiskFlag:
        try:
            flag = await self.store.get(flag_id)
        except AggregateNotFound:
            raise NotFound(f"no risk flag {flag_id}") from None
        if not isinstance(flag, RiskFlag):
            raise NotFound(f"no risk flag {flag_id}")
        flag.acknowledge(action=action, note=note, note_sha256=sha256_of(note),
                         acknowledged_at=self.clock(),
                         meta=event_meta(meta, flag.case_id, flag.site_id))  # fmt: skip
        await self.store.save(flag)
        return flag

    async def assign_duty_clinician(self, site_id: str, *, staff_id: str, meta: Meta) -> DutyRota:
        """`staff_id` is on duty at the site from now: escalations go to them."""
        m = meta.model_copy(update={"site_id": site_id}).for_event()
        try:
            rota = await self.store.get(duty_rota_id(site_id))
        except AggregateNotFound:
            rota = DutyRota(id=duty_rota_id(site_id), site_id=site_id, meta=m)
        if rota.hand_over(staff_id=staff_id, since=self.clock(), meta=m):
            await self.store.save(rota)
        return rota

    async def risk_assessments(self, case_id: UUID) -> list[dict]:
        try:
            assessment = await self.store.get(_assessment_id(case_id))
        except AggregateNotFound:
            return []
        return list(assessment.revisions)

    async def record_risk_assessment(
        self, case_id: UUID, *, site_id: str, level: str, plan: str,
        session_id: UUID | None, assessed_on: date, meta: Meta,
    ) -> RiskAssessment:  # fmt: skip
        m = event_meta(meta, case_id, site_id)
        assessment_id = _assessment_id(case_id)
        try:
            assessment = await self.store.get(assessment_id)
        except AggregateNotFound:
            assessment = RiskAssessment(id=assessment_id, case_id=case_id, site_id=site_id, meta=m)
        assessment.record(level=level, plan=plan, plan_sha256=sha256_of(plan),
                          session_id=session_id, assessed_on=assessed_on, meta=m)  # fmt: skip
        await self.store.save(assessment)
        return assessment


def _assessment_id(case_id: UUID) -> UUID:
    return uuid5(FORMS_NAMESPACE, f"risk_assessment:{case_id}")
