"""The scheduling service's HTTP API: thin routes that parse, call the application or the
queries, and answer; the service builder maps the domain's errors to problem details."""

from fastapi import APIRouter

from services.scheduling.api import backdating, courses, sites

router = APIRouter()
for module in (courses, backdating, sites):
    router.include_router(module.router)

__all__ = ["router"]
