"""The audit service's HTTP API: thin routes that parse, call the application and answer;
errors of the AuditError family become problem details with the status each declares."""

from fastapi import APIRouter

from services.audit.api import cases, ledger, operations
from services.audit.errors import AuditError

router = APIRouter()
for module in (ledger, cases, operations):
    router.include_router(module.router)


def statuses(family: type[AuditError]) -> dict[type[Exception], int]:
    """Each class of the family with the status it declares (services/audit/errors.py)."""
    found: dict[type[Exception], int] = {family: family.status}
    for subclass in family.__subclasses__():
        found |= statuses(subclass)
    return found


ERRORS = statuses(AuditError)

__all__ = ["ERRORS", "router"]
