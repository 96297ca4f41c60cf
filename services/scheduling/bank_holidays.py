"""England and Wales bank holidays, from the `holidays` package (kept current by its
maintainers from the government's announcements): the closures every site has."""

from collections.abc import Iterable
from datetime import date
from functools import cache

import holidays


@cache
def _year(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holidays(years: Iterable[int]) -> dict[date, str]:
    """Day -> name, e.g. 2026-12-25 -> "Christmas Day" (bank holiday)."""
    return {day: f"{name} (bank holiday)" for year in years for day, name in _year(year).items()}
