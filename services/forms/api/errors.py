"""The forms error family as problem details, in one place (the builder answers the store's
errors). A client's link page gets its refusals as HTML (api/client.py)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.forms.errors import (
    FormsError,
    InvalidInput,
    LinkRefused,
    NotAllowed,
    NotFound,
    RoleRefused,
)
from shared.http import problem


def problem_of(error: FormsError) -> JSONResponse:
    if isinstance(error, InvalidInput):
        errors = [{"field": f"body.{error.field}", "message": error.message}]
        return problem(422, "The request is not valid", errors)
    if isinstance(error, LinkRefused):
        return problem(error.status, "This link cannot be used", str(error))
    if isinstance(error, NotAllowed):
        return problem(409, "Not allowed now", str(error))
    if isinstance(error, NotFound):
        return problem(404, "Not found", str(error))
    if isinstance(error, RoleRefused):
        return problem(403, "Not allowed for this role", str(error))
    return problem(400, "Bad request", str(error))


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FormsError)
    async def forms_error(_: Request, error: FormsError) -> JSONResponse:
        return problem_of(error)
