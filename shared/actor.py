"""Who is acting: the gateway authenticates staff and vouches for them in a signed assertion
that shared/identity.py verifies before any route runs; routes read it from here."""

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from shared.envelope import ID_PATTERN, Actor, Meta
from shared.identity import identity_of
from shared.logging import current_correlation_id, new_correlation_id

ActorHeader = Annotated[str | None, Header(max_length=128, pattern=ID_PATTERN)]


async def request_meta(
    request: Request, x_actor_id: ActorHeader = None, x_actor_role: ActorHeader = None
) -> Meta:
    who = identity_of(request.scope)
    if who is not None:
        x_actor_id, x_actor_role = who.subject, who.role
    if not x_actor_id or not x_actor_role:
        raise HTTPException(401, "X-Actor-Id and X-Actor-Role headers are required")
    return Meta(
        actor=Actor(id=x_actor_id, role=x_actor_role),
        correlation_id=current_correlation_id() or new_correlation_id(),
    )


RequestMeta = Annotated[Meta, Depends(request_meta)]
