"""Request bodies of the scheduling API. Pydantic checks shapes and vocabularies (422 naming
the field); the domain checks the rules (a closure, the opening hours, the order of sessions)."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.scheduling import (
    AttendanceCode,
    BreakKind,
    CancellationCode,
    Mode,
    RiskDecision,
    Weekday,
)

LocalTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["10:00"])]
Ref = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Text = Annotated[str, Field(max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanIn(Strict):
    first_date: date
    weekday: Weekday | None = None  # checked against first_date when given
    local_time: LocalTime
    mode: Mode = "room"
    room_id: Ref | None = None
    sessions: int = Field(default=16, description="agreed with the client; 16 for DIT")


class ReplanIn(Strict):
    from_date: date
    weekday: Weekday
    local_time: LocalTime
    mode: Mode = "room"
    room_id: Ref | None = None


class BreakIn(Strict):
    starts_on: date
    ends_on: date
    kind: BreakKind
    description: Text = ""


class SlotIn(Strict):
    """A time the therapist picks: a local wall-clock time at the site."""

    local_start: datetime = Field(description="e.g. 2026-03-04T14:00, at the site")


class CancellationIn(Strict):
    attendance_code: CancellationCode
    rebook_at: datetime | None = Field(default=None, description="local; else the next free")


class RebookIn(Strict):
    rebook_at: datetime | None = Field(default=None, description="local wall clock at the site")


class AttendanceIn(Strict):
    attendance_code: AttendanceCode


class DecisionIn(Strict):
    decision: RiskDecision


class SiteIn(Strict):
    site_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    time_zone: str | None = None
    opening_hours: dict[Weekday, list[LocalTime]] | None = None


class RoomIn(Strict):
    room_id: Ref
    name: Annotated[str, Field(min_length=1, max_length=200)]


class ClosureIn(Strict):
    starts_on: date
    ends_on: date
    reason: Annotated[str, Field(min_length=1, max_length=500)]
