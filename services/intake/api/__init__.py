"""The intake service's HTTP API: thin routes that parse, call the application or the
queries, and answer; errors become problem details in one place (errors.py)."""

from fastapi import APIRouter

from services.intake.api import cases, enquiries, reads, records, search
from services.intake.api.errors import ERRORS

router = APIRouter()
for module in (cases, records, enquiries, reads, search):
    router.include_router(module.router)

__all__ = ["ERRORS", "router"]
