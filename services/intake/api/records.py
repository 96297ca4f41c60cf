"""Routes of a case's therapy record (consents, the IPAF, the goodbye letter) and of its
data-subject requests. Parse, call the application, answer."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from services.intake.api import schemas as s
from services.intake.api.deps import Intake, Queries
from services.intake.api.once import OnceOnly
from services.intake.api.views import (
    CaseChanged,
    ConsentRecordedOut,
    ConsentWithdrawnOut,
    DataRequestOut,
    DigestProofOut,
    RevisionOut,
)
from services.intake.data_requests import DataSubjectRequest
from services.intake.subject_access_html import render
from shared.actor import RequestMeta

router = APIRouter(prefix="/cases/{case_id}", tags=["therapy record"])


@router.post("/consents", status_code=201, response_model=ConsentRecordedOut)
async def record_consent(
    case_id: UUID,
    body: s.ConsentIn,
    intake: Intake,
    meta: RequestMeta,
    response: Response,
    once: OnceOnly,
):
    async def work() -> CaseChanged:
        case, consent_id = await intake.record_consent(case_id, **body.model_dump(), meta=meta)
        return ConsentRecordedOut.of(case, consent_id=consent_id)

    return await once(response, 201, work)


@router.post("/consents/{consent_id}/withdrawal", response_model=ConsentWithdrawnOut)
async def withdraw_consent(
    case_id: UUID, consent_id: UUID, body: s.WithdrawalIn, intake: Intake, meta: RequestMeta
):
    case, stops = await intake.withdraw_consent(case_id, consent_id, **body.model_dump(), meta=meta)
    return ConsentWithdrawnOut.of(case, stops=stops)


@router.post("/ipaf", status_code=201, response_model=RevisionOut)
async def record_ipaf(case_id: UUID, body: s.IpafIn, intake: Intake, meta: RequestMeta):
    parts = body.model_dump(exclude={"agreed_on"})
    case, revision = await intake.record_ipaf(
        case_id, parts=parts, agreed_on=body.agreed_on, meta=meta
    )
    return RevisionOut.of(case, revision=revision)


@router.post("/goodbye-letter", status_code=201, response_model=RevisionOut)
async def write_goodbye_letter(
    case_id: UUID, body: s.GoodbyeLetterIn, intake: Intake, meta: RequestMeta
):
    case, revision = await intake.write_goodbye_letter(case_id, **body.model_dump(), meta=meta)
    return RevisionOut.of(case, revision=revision)


@router.post("/digest-proofs", response_model=DigestProofOut)
async def prove_digest(
    case_id: UUID, body: s.DigestProofIn, intake: Intake, queries: Queries, _: RequestMeta
):
    """Whether a text is the one a digest on Kafka was made of, in this case (say, a pause's
    reason a client wrote down): only intake holds the key to tell."""
    await queries.case(case_id)  # 404 for a case that does not exist
    digest = body.digest.model_dump()
    return DigestProofOut(matches=intake.digests.proves(case_id, body.text, digest))


@router.post("/data-requests", status_code=201, response_model=DataRequestOut)
async def record_data_request(
    case_id: UUID,
    body: s.DataRequestIn,
    intake: Intake,
    meta: RequestMeta,
    response: Response,
    once: OnceOnly,
):
    async def work() -> DataRequestOut:
        request = await intake.record_data_request(case_id, **body.model_dump(), meta=meta)
        return request_out(request)

    return await once(response, 201, work)


@router.post("/data-requests/{request_id}/decision", response_model=DataRequestOut)
async def decide_data_request(
    case_id: UUID, request_id: UUID, body: s.DecisionIn, intake: Intake, meta: RequestMeta
):
    request = await intake.decide_data_request(case_id, request_id, **body.model_dump(), meta=meta)
    return request_out(request)


@router.post("/data-requests/{request_id}/export", status_code=201)
async def export_subject_access(
    case_id: UUID, request_id: UUID, intake: Intake, meta: RequestMeta
) -> dict[str, Any]:
    """For a granted access request: the person's record as JSON (`fhir`: a FHIR R4 Bundle
    of Patient, EpisodeOfCare and Consents; `events`: everything stored, decrypted) and as a
    readable HTML page (`html`). Each export is recorded on the request with its SHA-256."""
    _, export = await intake.export_subject_access(case_id, request_id, meta=meta)
    return export | {"html": render(export)}


@router.get("/data-requests/{request_id}", response_model=DataRequestOut)
async def data_request(case_id: UUID, request_id: UUID, queries: Queries, _: RequestMeta):
    return request_out(await queries.data_request(case_id, request_id))


def request_out(request: DataSubjectRequest) -> DataRequestOut:
    return DataRequestOut(
        request_id=request.id,
        case_id=request.case_id,
        kind=request.kind,
        received_on=request.received_on,
        decision=request.decision,
    )
