"""What routes depend on: the audit application of this process, and shared parameters."""

from typing import Annotated

from fastapi import Depends, Query, Request

from services.audit.application import AuditApplication


# async: FastAPI runs a plain `def` dependency in its thread pool, on every request.
async def application(request: Request) -> AuditApplication:
    return request.app.state.audit


Audit = Annotated[AuditApplication, Depends(application)]
CheckpointId = Annotated[int | None, Query(ge=1, description="a checkpoint id; the latest if none")]
