"""A session of a course: where and when (a local date and wall-clock time in a zone),
with whom, its number and phase, its attendance and its history of moves. Pure."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from services.scheduling.site_calendar import SESSION_MINUTES, local_moment, local_start

BOOKED, HELD, CANCELLED, DISCOUNTED = "booked", "held", "cancelled", "discounted"
ATTENDED_CODES = ("5", "6")  # attended on time, arrived late and seen
USED_CODES = ("5", "6", "7", "3")  # a session used up: seen, or late not seen, or a DNA
CANCELLATION_CODES = ("2", "4")
ATTENDANCE_CODES = ("5", "6", "7", "2", "4", "3")
DID_NOT_ATTEND = "3"


@dataclass
class Session:
    session_id: UUID
    number: int
    phase: str
    day: date
    at: str
    zone: str
    therapist_id: str
    mode: str
    room_id: str | None
    replaces: UUID | None = None
    status: str = BOOKED
    code: str | None = None
    to_rebook: bool = False  # clashed with a new therapist's diary: needs a new slot
    history: list[dict[str, Any]] = field(default_factory=list)
    minutes: int = SESSION_MINUTES

    @property
    def starts_at(self) -> datetime:
        """Zone-aware: the site's wall clock on the day."""
        return local_moment(self.day, self.at, self.zone)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def local_start(self) -> str:
        return local_start(self.day, self.at)

    @property
    def live(self) -> bool:
        """Booked or held: it counts in the course and occupies its time."""
        return self.status in (BOOKED, HELD)

    @property
    def attended(self) -> bool:
        return self.code in ATTENDED_CODES

    def when(self) -> dict[str, Any]:
        """The times an event records: UTC instants and the local wall clock."""
        return {
            "starts_at": self.starts_at.astimezone(UTC),
            "ends_at": self.ends_at.astimezone(UTC),
            "local_start": self.local_start,
        }

    def overlaps(self, other: "Session") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at
