"""Contracts of the gateway's events: who read which case, what was shown, and whether it was
a break-glass read (the reason's SHA-256 only; the text stays in the gateway's store)."""

from typing import Annotated

from pydantic import Field

from shared.contracts import EventContract

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex")]


class CaseViewed(EventContract):
    type = "gateway.CaseViewed"
    view: str = Field(pattern=r"^/[a-z]+(/[A-Za-z0-9_.{}-]+)*$", max_length=200,
                      description="the gateway route's path template")  # fmt: skip
    action: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$", description="the policy table's action")
    role: str = Field(pattern=r"^[a-z_]+$")
    break_glass: bool
    reason_sha256: Sha256Hex | None
