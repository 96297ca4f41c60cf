"""The one place where the intake service's errors become HTTP problem details."""

import re

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake.errors import IntakeError, InvalidInput, NotAllowed, NotFound
from shared.eventstore import AggregateNotFound, ConcurrencyConflict
from shared.http import problem


def problem_of(error: IntakeError) -> JSONResponse:
    if isinstance(error, InvalidInput):
        errors = [{"field": f"body.{error.field}", "message": error.message}]
        return problem(422, "The request is not valid", errors)
    if isinstance(error, NotAllowed):
        return problem(409, _title(type(error).__name__), str(error))
    if isinstance(error, NotFound):
        return problem(404, "Not found", str(error))
    return problem(400, _title(type(error).__name__), str(error))


def _title(class_name: str) -> str:
    """CaseIsDischarged -> 'Case is discharged'."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", class_name).capitalize()


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(IntakeError)
    async def intake_error(_: Request, error: IntakeError) -> JSONResponse:
        return problem_of(error)

    @app.exception_handler(ConcurrencyConflict)
    async def conflict(_: Request, error: ConcurrencyConflict) -> JSONResponse:
        detail = "Someone changed it at the same moment; nothing was saved. Reload and retry."
        return problem(409, "Concurrent change", detail)

    @app.exception_handler(AggregateNotFound)
    async def not_found(_: Request, error: AggregateNotFound) -> JSONResponse:
        return problem(404, "Not found", str(error))
