"""What routes depend on: the application (commands) and the queries of this process.
Async, so FastAPI resolves them on the event loop rather than in its thread pool."""

from typing import Annotated

from fastapi import Depends, Request

from services.forms.application import FormsApplication
from services.forms.queries import FormsQueries


async def application(request: Request) -> FormsApplication:
    return request.app.state.forms


async def queries(request: Request) -> FormsQueries:
    return request.app.state.queries


Forms = Annotated[FormsApplication, Depends(application)]
Queries = Annotated[FormsQueries, Depends(queries)]
