"""The forms service's HTTP API: thin routes that parse, call the application or the
queries, and answer; errors become problem details in one place (errors.py)."""

from fastapi import APIRouter

from services.forms.api import client, reports, risk, staff
from services.forms.api.errors import add_error_handlers

router = APIRouter()
for module in (staff, risk, reports, client):
    router.include_router(module.router)

__all__ = ["add_error_handlers", "router"]
