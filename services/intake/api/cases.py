"""Routes of a case's journey: referral, assessment, the waiting clock, allocation, the first
attended treatment session, discharge. Parse, call the application, answer."""

from uuid import UUID

from fastapi import APIRouter, Response

from services.intake.api import schemas as s
from services.intake.api.deps import Intake
from services.intake.api.once import OnceOnly
from services.intake.api.views import CaseChanged, CorrectedOut
from services.intake.application import ClientDetails
from shared.actor import RequestMeta

router = APIRouter(tags=["cases"])


@router.post("/referrals", status_code=201, response_model=CaseChanged)
async def receive_referral(
    body: s.ReferralIn, intake: Intake, meta: RequestMeta, response: Response, once: OnceOnly
):
    """With an Idempotency-Key header, a retry gets the first answer and makes no case."""

    async def work() -> CaseChanged:
        case = await intake.receive_referral(
            referral_source=body.referral_source,
            referral_date=body.referral_date,
            site_id=body.site_id,
            client=ClientDetails(**body.client.model_dump()),
            meta=meta,
            new_episode=body.new_episode,
        )
        response.headers["Location"] = f"/cases/{case.id}"
        return CaseChanged.of(case)

    return await once(response, 201, work)


@router.post("/cases/{case_id}/client-details/corrections", response_model=CorrectedOut)
async def correct_client_details(
    case_id: UUID, body: s.CorrectionIn, intake: Intake, meta: RequestMeta
):
    """Correct the client's name or contact details: an event of its own (who, when, which
    fields), the case's history keeping the values replaced."""
    corrected = body.model_dump(exclude_unset=True)
    case, fields = await intake.correct_client_details(case_id, corrected=corrected, meta=meta)
    return CorrectedOut.of(case, fields=fields)


@router.post("/cases/{case_id}/assessment", response_model=CaseChanged)
async def book_assessment(
    case_id: UUID, body: s.AssessmentBookingIn, intake: Intake, meta: RequestMeta
):
    return CaseChanged.of(await intake.book_assessment(case_id, **body.model_dump(), meta=meta))


@router.post("/cases/{case_id}/assessment/outcome", response_model=CaseChanged)
async def record_assessment_outcome(
    case_id: UUID, body: s.AssessmentOutcomeIn, intake: Intake, meta: RequestMeta
):
    case = await intake.record_assessment_outcome(case_id, **body.model_dump(), meta=meta)
    return CaseChanged.of(case)


@router.post("/cases/{case_id}/pause", response_model=CaseChanged)
async def pause_waiting(case_id: UUID, body: s.PauseIn, intake: Intake, meta: RequestMeta):
    return CaseChanged.of(await intake.pause_waiting(case_id, **body.model_dump(), meta=meta))


@router.post("/cases/{case_id}/resume", response_model=CaseChanged)
async def resume_waiting(case_id: UUID, body: s.ResumeIn, intake: Intake, meta: RequestMeta):
    return CaseChanged.of(await intake.resume_waiting(case_id, **body.model_dump(), meta=meta))


@router.post("/cases/{case_id}/allocation", response_model=CaseChanged)
async def allocate_therapist(
    case_id: UUID, body: s.AllocationIn, intake: Intake, meta: RequestMeta
):
    case = await intake.allocate_therapist(case_id, **body.model_dump(), meta=meta)
    return CaseChanged.of(case)


@router.post("/cases/{case_id}/reallocation", response_model=CaseChanged)
async def reallocate_therapist(
    case_id: UUID, body: s.ReallocationIn, intake: Intake, meta: RequestMeta
):
    case = await intake.reallocate_therapist(case_id, **body.model_dump(), meta=meta)
    return CaseChanged.of(case)


@router.post("/cases/{case_id}/first-treatment", response_model=CaseChanged)
async def record_first_treatment_attended(
    case_id: UUID, body: s.FirstTreatmentIn, intake: Intake, meta: RequestMeta
):
    case = await intake.record_first_treatment_attended(case_id, **body.model_dump(), meta=meta)
    return CaseChanged.of(case)


@router.post("/cases/{case_id}/discharge", response_model=CaseChanged)
async def discharge_case(case_id: UUID, body: s.DischargeIn, intake: Intake, meta: RequestMeta):
    return CaseChanged.of(await intake.discharge_case(case_id, **body.model_dump(), meta=meta))
