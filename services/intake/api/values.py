"""The value types of the intake API's bodies and paths, with their rules: dates of the
record (the sites' today, none before any record), births, NHS numbers, staff ids, texts.
Each refusal names its rule; pydantic names the field (422)."""

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field

from services.intake import clock
from services.intake.codes import is_valid_nhs_number
from shared.envelope import ID_PATTERN

CLOCK_SKEW = timedelta(minutes=5)


def _record_date(value: date) -> date:
    """A date of the case's record: not after today at the sites, not before any record."""
    if value > clock.today():
        raise ValueError(f"cannot be in the future (rule: not_future, in {clock.SITE_ZONE})")
    if value < clock.EARLIEST_RECORD:
        earliest = clock.EARLIEST_RECORD.isoformat()
        raise ValueError(f"must be on or after {earliest} (rule: plausible_record_date)")
    return value


def _birth_date(value: date) -> date:
    today = clock.today()
    if value > today:
        raise ValueError(f"cannot be in the future (rule: not_future, in {clock.SITE_ZONE})")
    if today.year - value.year > clock.OLDEST_CLIENT_YEARS:
        years = clock.OLDEST_CLIENT_YEARS
        raise ValueError(f"must be within the last {years} years (rule: plausible_birth_date)")
    return value


def _record_moment(value: datetime) -> datetime:
    if value > clock.now() + CLOCK_SKEW:
        raise ValueError("cannot be in the future (rule: not_future)")
    return _not_before_records(value)


def _not_before_records(value: datetime) -> datetime:
    if value.astimezone(clock.SITE_ZONE).date() < clock.EARLIEST_RECORD:
        earliest = clock.EARLIEST_RECORD.isoformat()
        raise ValueError(f"must be on or after {earliest} (rule: plausible_record_date)")
    return value


def _nhs_number(value: str) -> str:
    if not is_valid_nhs_number(value):
        raise ValueError("not an NHS number: 10 digits, the last a modulus-11 check digit")
    return value.replace(" ", "")


PastDate = Annotated[date, AfterValidator(_record_date)]
BirthDate = Annotated[date, AfterValidator(_birth_date)]
PastMoment = Annotated[AwareDatetime, AfterValidator(_record_moment)]
Moment = Annotated[AwareDatetime, AfterValidator(_not_before_records)]
NhsNumber = Annotated[str, AfterValidator(_nhs_number)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
StaffRef = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
StaffRefInPath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
SiteId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]
