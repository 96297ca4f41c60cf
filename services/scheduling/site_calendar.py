"""When a site is open: opening hours per weekday in the site's time zone, and closures
(bank holidays and planned closures). Pure: the application builds a Calendar from the
site's events and the bank holidays, and the course rules only ask it questions.

Local time is the truth: a session is a local date and wall-clock time in a zone, and its
UTC instant is derived, so 10:00 stays 10:00 across the clock changes.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_ZONE = "Europe/London"
DEFAULT_HOURS = {day: ("09:00", "17:00") for day in WEEKDAYS[:5]}
SESSION_MINUTES = 50


def parse_time(value: str) -> time:
    return time.fromisoformat(value)


@lru_cache(maxsize=65536)  # pure, and asked for the same few slots again and again
def local_moment(day: date, at: str, zone: str) -> datetime:
    """The zone-aware start of a wall-clock time on a day."""
    return datetime.combine(day, parse_time(at), tzinfo=ZoneInfo(zone))


def local_start(day: date, at: str) -> str:
    return f"{day.isoformat()}T{at}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Calendar:
    site_id: str
    zone: str = DEFAULT_ZONE
    hours: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    closures: dict[date, str] = field(default_factory=dict)  # day -> why
    rooms: frozenset[str] = frozenset()

    def refusal(self, day: date, at: str, minutes: int = SESSION_MINUTES) -> str | None:
        """Why a session at `at` on `day` cannot be held, or None when the site is open."""
        if day in self.closures:
            return f"the site is closed on {day.isoformat()}: {self.closures[day]}"
        weekday = WEEKDAYS[day.weekday()]
        if weekday not in self.hours:
            return f"the site is closed on {weekday}s"
        opens, closes = self.hours[weekday]
        start = local_moment(day, at, self.zone)
        end = (start + timedelta(minutes=minutes)).astimezone(ZoneInfo(self.zone))
        if start.astimezone(UTC).astimezone(ZoneInfo(self.zone)).strftime("%H:%M") != at:
            # a wall-clock time the spring clock change skips (01:30 on the last Sunday of March)
            return f"{at} does not exist on {day.isoformat()} in {self.zone}"
        if at < opens or end.date() != day or end.strftime("%H:%M") > closes:
            return f"outside opening hours on {weekday}s ({opens}-{closes})"
        return None

    def reason_code(self, day: date) -> str:
        """The move reason of a refusal on `day`: a closure, or the opening hours."""
        closed = day in self.closures or WEEKDAYS[day.weekday()] not in self.hours
        return "closure" if closed else "outside_opening_hours"
