"""Routes of enquiries (before a referral) and of the consent templates."""

from uuid import UUID

from fastapi import APIRouter, Response

from services.intake.api import schemas as s
from services.intake.api.deps import Intake, Queries
from services.intake.api.once import OnceOnly
from services.intake.api.records import request_out
from services.intake.api.views import CaseChanged, DataRequestOut, EnquiryOut, TemplateVersionOut
from services.intake.application import ClientDetails
from services.intake.enquiry import Enquiry
from shared.actor import RequestMeta
from shared.contracts.intake import DocumentKind

router = APIRouter()


@router.post("/enquiries", status_code=201, response_model=EnquiryOut, tags=["enquiries"])
async def receive_enquiry(
    body: s.EnquiryIn, intake: Intake, meta: RequestMeta, response: Response, once: OnceOnly
):
    async def work() -> EnquiryOut:
        enquiry = await intake.receive_enquiry(
            site_id=body.site_id,
            contact=ClientDetails(**body.contact.model_dump()),
            notes=body.notes,
            received_on=body.received_on,
            meta=meta,
        )
        response.headers["Location"] = f"/enquiries/{enquiry.id}"
        return _enquiry_out(enquiry)

    return await once(response, 201, work)


@router.get("/enquiries/{enquiry_id}", response_model=EnquiryOut, tags=["enquiries"])
async def get_enquiry(enquiry_id: UUID, queries: Queries, _: RequestMeta):
    return _enquiry_out(await queries.enquiry(enquiry_id))


@router.post(
    "/enquiries/{enquiry_id}/referral",
    status_code=201,
    response_model=CaseChanged,
    tags=["enquiries"],
)
async def refer_enquiry(
    enquiry_id: UUID,
    body: s.EnquiryReferralIn,
    intake: Intake,
    meta: RequestMeta,
    response: Response,
    once: OnceOnly,
):
    async def work() -> CaseChanged:
        client = ClientDetails(**body.client.model_dump()) if body.client else None
        case = await intake.refer_enquiry(
            enquiry_id,
            referral_source=body.referral_source,
            referral_date=body.referral_date,
            client=client,
            meta=meta,
        )
        response.headers["Location"] = f"/cases/{case.id}"
        return CaseChanged.of(case)

    return await once(response, 201, work)


@router.post("/enquiries/{enquiry_id}/closure", response_model=EnquiryOut, tags=["enquiries"])
async def close_enquiry(
    enquiry_id: UUID, body: s.EnquiryClosureIn, intake: Intake, meta: RequestMeta
):
    return _enquiry_out(await intake.close_enquiry(enquiry_id, **body.model_dump(), meta=meta))


@router.post(
    "/enquiries/{enquiry_id}/data-requests",
    status_code=201,
    response_model=DataRequestOut,
    tags=["enquiries"],
)
async def record_enquirer_data_request(
    enquiry_id: UUID,
    body: s.DataRequestIn,
    intake: Intake,
    meta: RequestMeta,
    response: Response,
    once: OnceOnly,
):
    """A data-subject request by someone who only enquired; decided, like any, at
    /cases/{case_id}/data-requests/{request_id}/decision with the enquiry's case id."""

    async def work() -> DataRequestOut:
        request = await intake.record_enquirer_data_request(
            enquiry_id, **body.model_dump(), meta=meta
        )
        return request_out(request)

    return await once(response, 201, work)


@router.post(
    "/templates/{kind}/versions",
    status_code=201,
    response_model=TemplateVersionOut,
    tags=["templates"],
)
async def publish_template(
    kind: DocumentKind,
    body: s.TemplateIn,
    intake: Intake,
    meta: RequestMeta,
    response: Response,
    once: OnceOnly,
):
    async def work() -> TemplateVersionOut:
        version = await intake.publish_template(kind, title=body.title, text=body.text, meta=meta)
        return TemplateVersionOut(**vars(version))

    return await once(response, 201, work)


@router.get("/templates/{kind}", response_model=list[TemplateVersionOut], tags=["templates"])
async def template_versions(kind: DocumentKind, queries: Queries, _: RequestMeta):
    template = await queries.template(kind)
    return [TemplateVersionOut(**vars(v)) for v in template.versions]


def _enquiry_out(enquiry: Enquiry) -> EnquiryOut:
    return EnquiryOut(
        enquiry_id=enquiry.id,
        case_id=enquiry.case_id,
        site_id=enquiry.site_id,
        status=enquiry.status,
        received_on=enquiry.received_on,
        contact={k: str(v) for k, v in enquiry.contact.items()},
        notes=enquiry.notes,
        closure=enquiry.closure,
    )
