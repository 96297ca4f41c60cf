"""What routes depend on: the application (commands) and the queries of this process."""

from typing import Annotated

from fastapi import Depends, Request

from services.intake.application import IntakeApplication
from services.intake.queries import IntakeQueries


# async: FastAPI runs a plain `def` dependency in its thread pool, on every request.
async def application(request: Request) -> IntakeApplication:
    return request.app.state.intake


async def queries(request: Request) -> IntakeQueries:
    return request.app.state.queries


Intake = Annotated[IntakeApplication, Depends(application)]
Queries = Annotated[IntakeQueries, Depends(queries)]
