"""What routes depend on: the application, the queries, and the clock.

The clock is the machine's. With SCHEDULING_ENVIRONMENT=test only, an `X-Clock` header
(an ISO instant with its offset) stands in for it, so an end-to-end test can record the
attendance of a session it booked in the future; any other environment ignores the header.
"""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from services.scheduling.application import CLOCK
from services.scheduling.commands import SchedulingApplication
from services.scheduling.queries import SchedulingQueries


# async: FastAPI runs a plain `def` dependency in its thread pool, on every request.
async def application(request: Request) -> SchedulingApplication:
    return request.app.state.scheduling


async def queries(request: Request) -> SchedulingQueries:
    return request.app.state.queries


async def clock_from_header(
    request: Request, x_clock: Annotated[str | None, Header()] = None
) -> AsyncIterator[None]:
    if x_clock is None or request.app.state.context.settings.environment != "test":
        yield
        return
    try:
        moment = datetime.fromisoformat(x_clock)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise HTTPException(400, "X-Clock must be an ISO instant with its offset")
    token = CLOCK.set(moment)
    try:
        yield
    finally:
        CLOCK.reset(token)


Scheduling = Annotated[SchedulingApplication, Depends(application)]
Queries = Annotated[SchedulingQueries, Depends(queries)]
