"""Who is acting: the gateway authenticates staff and passes their identity to the services
in these headers (services listen on loopback / the internal network only)."""

from typing import Annotated

from fastapi import Depends, Header, HTTPException

from shared.envelope import ID_PATTERN, Actor, Meta
from shared.logging import current_correlation_id, new_correlation_id

ActorHeader = Annotated[str | None, Header(max_length=128, pattern=ID_PATTERN)]


async def request_meta(x_actor_id: ActorHeader = None, x_actor_role: ActorHeader = None) -> Meta:
    if not x_actor_id or not x_actor_role:
        raise HTTPException(401, "X-Actor-Id and X-Actor-Role headers are required")
    return Meta(
        actor=Actor(id=x_actor_id, role=x_actor_role),
        correlation_id=current_correlation_id() or new_correlation_id(),
    )


RequestMeta = Annotated[Meta, Depends(request_meta)]
