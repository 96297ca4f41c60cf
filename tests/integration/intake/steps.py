"""Factory steps that move a case through the application, with fixed dates."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from services.intake.application import ClientDetails, IntakeApplication
from shared.envelope import Actor, Meta


def staff(actor: str = "staff-1") -> Meta:
    return Meta(actor=Actor(id=actor, role="intake_worker"), correlation_id="corr")


async def referred(
    intake: IntakeApplication, referral_date: date, site_id: str = "north", name: str = "Client"
) -> UUID:
    case = await intake.receive_referral(
        referral_source="self",
        referral_date=referral_date,
        site_id=site_id,
        client=ClientDetails(name=name, nhs_number="9434765919"),
        meta=staff(),
    )
    return case.id


async def waiting(intake: IntakeApplication, referral_date: date, site_id: str = "north") -> UUID:
    case_id = await referred(intake, referral_date, site_id)
    at = datetime.combine(referral_date, datetime.min.time(), UTC) + timedelta(days=1)
    await intake.book_assessment(case_id, scheduled_for=at, assessor_id="a-1", meta=staff())
    await intake.record_assessment_outcome(
        case_id,
        suitable=True,
        ending_code=None,
        reason="suitable",
        assessed_on=referral_date + timedelta(days=1),
        meta=staff(),
    )
    return case_id


async def allocated(
    intake: IntakeApplication, referral_date: date, therapist_id: str, site_id: str = "north"
) -> UUID:
    case_id = await waiting(intake, referral_date, site_id)
    on = referral_date + timedelta(days=2)
    await intake.allocate_therapist(
        case_id, therapist_id=therapist_id, allocated_on=on, meta=staff()
    )
    return case_id
