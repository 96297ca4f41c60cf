"""The checks of a plan's pattern and first slot: a weekday the site opens, a local time
within its hours for a whole session, a room of the site (or none for a remote session), a
first session in the future on an open day. Pure; each refusal names its field."""

from datetime import date, datetime, time, timedelta

from services.scheduling import errors
from services.scheduling.layout import Pattern
from services.scheduling.site_calendar import SESSION_MINUTES, WEEKDAYS, Calendar, local_moment

MODES = ("room", "video", "phone")


def pattern_for(
    weekday: str, local_time: str, mode: str, room_id: str | None, calendar: Calendar
) -> Pattern:
    if weekday not in WEEKDAYS:
        raise errors.InvalidInput("weekday", "a day of the week, e.g. monday")
    start = datetime.combine(date(2000, 1, 3), parse_time(local_time))
    end = (start + timedelta(minutes=SESSION_MINUTES)).strftime("%H:%M")
    if mode not in MODES:
        raise errors.InvalidInput("mode", f"one of {', '.join(MODES)}")
    if mode == "room" and room_id not in calendar.rooms:
        raise errors.InvalidInput("room_id", f"not a room of site {calendar.site_id}")
    if mode != "room" and room_id is not None:
        raise errors.InvalidInput("room_id", f"a {mode} session has no room")
    if weekday not in calendar.hours:
        raise errors.InvalidInput("weekday", f"the site is closed on {weekday}s")
    opens, closes = calendar.hours[weekday]
    if not opens <= local_time < end <= closes:
        raise errors.InvalidInput("local_time", f"outside opening hours ({opens}-{closes})")
    return Pattern(weekday, local_time, calendar.zone, mode, room_id)


def check_first_slot(field: str, day: date, at: str, calendar: Calendar, now: datetime) -> None:
    refusal = calendar.refusal(day, at)
    if refusal:
        raise errors.InvalidInput(field if "closed" in refusal else "local_time", refusal)
    if local_moment(day, at, calendar.zone) <= now:
        raise errors.InvalidInput(field, "must be in the future")


def parse_time(value: str) -> time:
    try:
        if len(value) != 5:
            raise ValueError(value)
        return time.fromisoformat(value)
    except ValueError:
        raise errors.InvalidInput("local_time", "HH:MM, e.g. 10:00") from None
