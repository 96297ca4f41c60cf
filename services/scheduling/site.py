"""A site: its time zone, opening hours, rooms and planned closures, as events. Pure.

A site nobody registered still has a calendar: the default hours (Monday to Friday,
09:00-17:00, Europe/London) and the bank holidays, and no rooms (remote sessions only).
"""

from datetime import date
from typing import Any
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.domain import Aggregate, event

from services.scheduling import errors
from services.scheduling.site_calendar import DEFAULT_HOURS, DEFAULT_ZONE, WEEKDAYS, Calendar

SITE_IDS = UUID("3c1f6a0e-6b7d-4f7e-8f0a-2d9a8f6b1c22")


def site_aggregate_id(site_id: str) -> UUID:
    return uuid5(SITE_IDS, site_id)


def default_calendar(site_id: str, closures: dict[date, str]) -> Calendar:
    return Calendar(site_id, DEFAULT_ZONE, dict(DEFAULT_HOURS), closures)


class Site(Aggregate):
    @event("SiteRegistered")
    def __init__(
        self,
        *,
        id: UUID,
        site_id: str,
        name: str,
        time_zone: str,
        opening_hours: dict[str, list[str]],
        meta: dict,
    ) -> None:
        self.site_id = site_id
        self.name = name
        self.time_zone = time_zone
        self.opening_hours = opening_hours
        self.rooms: dict[str, str] = {}
        self.closures: list[dict[str, Any]] = []

    @classmethod
    def register(
        cls,
        *,
        site_id: str,
        name: str,
        time_zone: str | None,
        opening_hours: dict[str, list[str]] | None,
        meta: dict,
    ) -> "Site":
        zone = time_zone or DEFAULT_ZONE
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise errors.InvalidInput(
                "time_zone", "an IANA time zone, e.g. Europe/London"
            ) from None
        hours = opening_hours or {day: list(span) for day, span in DEFAULT_HOURS.items()}
        for day, span in hours.items():
            if day not in WEEKDAYS or len(span) != 2 or not span[0] < span[1]:
                raise errors.InvalidInput(f"opening_hours.{day}", "[opens, closes], e.g. 09:00")
        return cls(
            id=site_aggregate_id(site_id),
            site_id=site_id,
            name=name,
            time_zone=zone,
            opening_hours=hours,
            meta=meta,
        )

    def add_room(self, *, room_id: str, name: str, meta: dict) -> None:
        if room_id in self.rooms:
            raise errors.NotAllowed("add the room", f"site {self.site_id} has room {room_id}")
        self._room_added(site_id=self.site_id, room_id=room_id, name=name, meta=meta)

    @event("RoomAdded")
    def _room_added(self, site_id: str, room_id: str, name: str, meta: dict) -> None:
        self.rooms[room_id] = name

    def plan_closure(
        self, *, closure_id: UUID, starts_on: date, ends_on: date, reason: str, meta: dict
    ) -> None:
        if ends_on < starts_on:
            raise errors.InvalidInput("ends_on", "must not be before starts_on")
        self._closure_planned(
            site_id=self.site_id,
            closure_id=closure_id,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            meta=meta,
        )

    @event("ClosurePlanned")
    def _closure_planned(
        self,
        site_id: str,
        closure_id: UUID,
        starts_on: date,
        ends_on: date,
        reason: str,
        meta: dict,
    ) -> None:
        self.closures.append(
            {"closure_id": closure_id, "starts_on": starts_on, "ends_on": ends_on, "reason": reason}
        )

    def calendar(self, bank_holidays: dict[date, str]) -> Calendar:
        closed = dict(bank_holidays)
        for closure in self.closures:
            day = closure["starts_on"]
            while day <= closure["ends_on"]:
                closed[day] = closure["reason"]
                day = date.fromordinal(day.toordinal() + 1)
        hours = {day: (span[0], span[1]) for day, span in self.opening_hours.items()}
        return Calendar(self.site_id, self.time_zone, hours, closed, frozenset(self.rooms))
