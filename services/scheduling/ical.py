"""A therapist's diary as iCalendar (RFC 5545), made with the `icalendar` library: each
appointment at its wall-clock time with its TZID and the zone's VTIMEZONE, so calendar
applications keep 10:00 at 10:00 across clock changes. The case id only: no client names."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar


def diary_ics(therapist_id: str, rows: Iterable[Any], stamp: datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rapport//scheduling//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Rapport diary of {therapist_id}")
    for row in rows:
        calendar.add_component(_event(row, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(row: Any, stamp: datetime) -> icalendar.Event:
    zone = ZoneInfo(row["time_zone"])
    starts = datetime.fromisoformat(row["local_start"]).replace(tzinfo=zone)
    ends = starts + (row["ends_at"] - row["starts_at"])
    event = icalendar.Event()
    event.add("uid", f"{row['reservation_id']}@rapport")
    event.add("dtstamp", stamp)
    event.add("dtstart", starts)
    event.add("dtend", ends if ends > starts else starts + timedelta(minutes=50))
    event.add("summary", _summary(row))
    event.add("location", _where(row))
    event.add("status", "CONFIRMED")
    return event


def _summary(row: Any) -> str:
    if row["kind"] == "assessment":
        return f"Assessment, case {row['case_id']}"
    return f"DIT session {row['session_number']} ({row['phase']}), case {row['case_id']}"


def _where(row: Any) -> str:
    if row["room_id"]:
        return f"{row['room_id']}, site {row['site_id']}"
    return row["mode"] or "remote"
