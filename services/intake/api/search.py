"""Finding a client at a site: by NHS number, name and date of birth (any of them, all
given must match), and the site's open enquiries. Staff see only their own sites' clients."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from services.intake.api.deps import Queries
from services.intake.api.values import NhsNumber, SiteId
from services.intake.api.views import SearchHit
from shared.actor import RequestMeta
from shared.identity import identity_of

router = APIRouter(tags=["search"])


def require_site(request: Request, site_id: str) -> None:
    """The gateway vouches for the caller's sites; a search outside them is refused."""
    who = identity_of(request.scope)
    if who is not None and who.sites and site_id not in who.sites and not who.break_glass:
        raise HTTPException(403, f"site {site_id} is not one of the caller's sites")


@router.get("/sites/{site_id}/search", response_model=list[SearchHit])
async def find_clients(
    site_id: SiteId,
    request: Request,
    queries: Queries,
    _: RequestMeta,
    nhs_number: Annotated[NhsNumber | None, Query(description="10 digits")] = None,
    name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    date_of_birth: date | None = None,
):
    """Cases and enquiries of the site matching every criterion given: every word of the
    name (accents and case ignored, any order), the NHS number, the date of birth."""
    if nhs_number is None and name is None and date_of_birth is None:
        raise HTTPException(422, "give nhs_number, name or date_of_birth")
    require_site(request, site_id)
    criteria = {"nhs_number": nhs_number, "name": name, "date_of_birth": date_of_birth}
    return await queries.find_clients(site_id, **criteria)


@router.get("/sites/{site_id}/enquiries", response_model=list[SearchHit])
async def open_enquiries(site_id: SiteId, request: Request, queries: Queries, _: RequestMeta):
    """The site's enquiries not yet referred or closed, oldest first."""
    require_site(request, site_id)
    return await queries.open_enquiries(site_id)
