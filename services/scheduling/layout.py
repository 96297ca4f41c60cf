"""Where a course's sessions fall: weekly on the pattern's weekday and wall-clock time,
moved later in the same week when the site is closed, and to following weeks during a
break. Pure; the course (domain.py) applies what this computes.

DIT phases: initial 1-4, middle 5-12, ending 13-16 of 16. A course agreed at another length
keeps the proportions: the first and the last quarter (rounded, at least one session each
once there are three) are the initial and ending phases, the rest the middle.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.scheduling.errors import InvalidInput
from services.scheduling.site_calendar import (
    SESSION_MINUTES,
    WEEKDAYS,
    Calendar,
    local_moment,
    week_start,
)

MAX_WEEKS = 260  # a course that cannot be placed within five years is refused

# Whether the diaries (the therapist's, the session's room) have [start, end) taken already
# by another course or an assessment.
Busy = Callable[[datetime, datetime], bool]


def phase_of(number: int, total: int) -> str:
    quarter = max(1, (total + 2) // 4) if total >= 3 else 1
    if number <= quarter:
        return "initial"
    if number > total - quarter:
        return "ending"
    return "middle"


@dataclass(frozen=True)
class Pattern:
    weekday: str
    at: str  # "HH:MM", wall clock at the site
    zone: str
    mode: str
    room_id: str | None


def pattern_of(day: date, at: str, zone: str, mode: str, room_id: str | None) -> Pattern:
    """The pattern of one session: its weekday, a time, its place."""
    return Pattern(WEEKDAYS[day.weekday()], at, zone, mode, room_id)


@dataclass(frozen=True)
class Break:
    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Placement:
    number: int
    day: date
    expected: date  # the pattern's day in the week the session was due
    # "closure" | "outside_opening_hours" when not on the pattern's day; None when it is, or
    # when a diary had the pattern's day taken (the change that moved it is the reason)
    reason: str | None
    detail: str | None  # why, in words (kept in the store, not published)


def lay_out(
    numbers: list[int],
    pattern: Pattern,
    calendar: Calendar,
    breaks: list[Break],
    first_week: date,
    not_before: datetime,
    busy: Busy | None = None,
) -> list[Placement]:
    """One session a week from `first_week`, in the order of `numbers`; a day `busy` says
    the diaries have taken is passed over like a closed one."""
    placements: list[Placement] = []
    week = week_start(first_week)
    offset = timedelta(days=WEEKDAYS.index(pattern.weekday))
    carried: tuple[str | None, str | None] = (None, None)  # why a week was skipped
    due = week
    for _ in range(MAX_WEEKS):
        if len(placements) == len(numbers):
            return placements
        day, why = _slot_in_week(week, pattern, calendar, breaks, not_before, busy)
        if day is None:
            carried = why if why[1] else carried
        else:
            number = numbers[len(placements)]
            reason = why if why[1] else carried
            placements.append(Placement(number, day, due + offset, *reason))
            carried = (None, None)
            due = week + timedelta(days=7)
        week += timedelta(days=7)
    raise InvalidInput("sessions", "they cannot all be placed within five years")


def _slot_in_week(
    week: date,
    pattern: Pattern,
    calendar: Calendar,
    breaks: list[Break],
    not_before: datetime,
    busy: Busy | None,
) -> tuple[date | None, tuple[str | None, str | None]]:
    """The pattern's day, or the next open and free day of the same week; None when a break
    covers the pattern's day or nothing is open and free that week (the reason says which)."""
    planned = week + timedelta(days=WEEKDAYS.index(pattern.weekday))
    if any(b.covers(planned) for b in breaks):
        return None, (None, None)
    if local_moment(planned, pattern.at, pattern.zone) < not_before:
        return None, (None, None)
    why: tuple[str | None, str | None] = (None, None)
    for day in (planned + timedelta(days=n) for n in range(7 - planned.weekday())):
        if any(b.covers(day) for b in breaks):
            continue
        refusal = calendar.refusal(day, pattern.at)
        if refusal is None and not _taken(busy, day, pattern):
            return day, why
        if why[1] is None:
            why = (
                (calendar.reason_code(day), refusal)
                if refusal
                else (None, f"the diary is taken on {day.isoformat()} at {pattern.at}")
            )
    return None, why


def _taken(busy: Busy | None, day: date, pattern: Pattern) -> bool:
    if busy is None:
        return False
    start = local_moment(day, pattern.at, pattern.zone)
    return busy(start, start + timedelta(minutes=SESSION_MINUTES))
