"""The site's today, asked when a step records it: the services date what happens at the
site's wall clock, and a run may cross midnight."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SITE_ZONE = ZoneInfo("Europe/London")  # both demo sites; scheduling's default zone


def site_today() -> date:
    return datetime.now(SITE_ZONE).date()
