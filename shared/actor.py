"""Who is acting: the gateway authenticates staff and vouches for them in a signed assertion
that shared/identity.py verifies before any route runs; routes read it from here."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from shared.envelope import Actor, Meta
from shared.identity import identity_of
from shared.logging import current_correlation_id, new_correlation_id


async def request_meta(request: Request) -> Meta:
    who = identity_of(request.scope)
    if who is None:  # a route outside the check (none is): nobody is vouched for
        raise HTTPException(401, "the gateway's identity assertion is required")
    return Meta(
        actor=Actor(id=who.subject, role=who.role),
        correlation_id=current_correlation_id() or new_correlation_id(),
    )


RequestMeta = Annotated[Meta, Depends(request_meta)]
