"""The audit service's HTTP API: thin routes that parse, call the application and answer;
errors of the AuditError family become problem details in one place."""

from fastapi import APIRouter, FastAPI, Request

from services.audit.api import cases, ledger, operations
from services.audit.errors import AuditError
from shared.http import problem

router = APIRouter()
for module in (ledger, cases, operations):
    router.include_router(module.router)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AuditError)
    async def audit_error(_: Request, error: AuditError):
        return problem(error.status, error.title, str(error))


__all__ = ["add_error_handlers", "router"]
