"""The intake service's clock: "today" is the date at the charity's sites (Europe/London), not
the server's, so a date entered just after midnight in summer time is not "in the future".
Pure: the standard library only."""

from datetime import UTC, date, datetime

from services.intake.codes import SITE_ZONE

# No record of this service is dated before this: a referral in 1970 is a typing error.
EARLIEST_RECORD = date(2000, 1, 1)
OLDEST_CLIENT_YEARS = 120


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date at the sites."""
    return now().astimezone(SITE_ZONE).date()
