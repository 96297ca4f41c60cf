"""A service's errors as problem details: each error family with the HTTP status the service
gives it (shared/service.py), and the event store's own errors."""

import re
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.eventstore import AggregateNotFound, ConcurrencyConflict
from shared.http import problem

STORE_ERRORS: Mapping[type[Exception], int] = {ConcurrencyConflict: 409, AggregateNotFound: 404}
CONFLICT_DETAIL = "Someone changed it at the same moment; nothing was saved. Reload and retry."


def add_error_mapping(app: FastAPI, errors: Mapping[type[Exception], int]) -> None:
    """Problem details for each error family, with the status of its most specific class."""

    async def answer(_: Request, error: Exception) -> JSONResponse:
        status = next(errors[c] for c in type(error).__mro__ if c in errors)
        if (name := getattr(error, "field", None)) is not None:
            message = getattr(error, "message", str(error))
            field = name if re.match(r"(body|path|query|header)\.", name) else f"body.{name}"
            errors_ = [{"field": field, "message": message}]
            return problem(status, "The request is not valid", errors_)
        detail = CONFLICT_DETAIL if isinstance(error, ConcurrencyConflict) else str(error)
        return problem(status, title_of(error), detail)

    for family in errors:
        app.add_exception_handler(family, answer)


def title_of(error: Exception) -> str:
    """The family's `title` if it has one, else its class name: CaseIsDischarged -> 'Case is
    discharged'."""
    if isinstance(title := getattr(error, "title", None), str):
        return title
    if isinstance(error, ConcurrencyConflict):
        return "Concurrent change"
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).capitalize()
