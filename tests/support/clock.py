"""The services' clock and zone, for the dates tests send. The services take "today" from
the local date of their process, and the test stack starts them in Europe/London (the
charity's zone), so a test's "today" is London's date too, whatever the machine's zone:
between midnight and 1 a.m. in summer, UTC's date would be yesterday's."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = "Europe/London"
LONDON = ZoneInfo(ZONE)


def today() -> date:
    return datetime.now(LONDON).date()


def days_ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


def moment(days_before: int, hour: int = 10) -> str:
    """That day's `hour` o'clock in London, as RFC 3339 in UTC."""
    local = datetime.combine(today() - timedelta(days=days_before), time(hour), LONDON)
    return local.astimezone(UTC).isoformat()
