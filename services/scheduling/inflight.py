"""Saves of overlapping bookings take turns within a process.

The group commit (shared/appends.py) puts the saves of concurrent commands in one
transaction. Two of them that book the same therapist or room at the same time both pass
the check before saving (neither is committed yet), and their shared transaction then
fails on the exclusion constraint: the group is retried in halves until the clashing save
fails alone, and every other save of the group waits for those extra transactions. Under
colliding requests that was most of the time a booking took.

So a save whose times overlap those of a save still in flight (same therapist, or same
room of a site) waits for it to finish, then checks the diaries again: it meets the first
one's booking there and is refused without a failed transaction. Between processes the
exclusion constraints remain the guarantee; this only keeps one process from racing itself.
Saves inside a consumer's own transaction do not take turns (application.py): they share
no group commit.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime

Key = tuple[str, ...]  # ("therapist", id) or ("room", site, room)
Span = tuple[Key, datetime, datetime]


class InFlight:
    def __init__(self) -> None:
        self._held: dict[Key, list[tuple[datetime, datetime, asyncio.Event]]] = {}

    @asynccontextmanager
    async def holding(self, spans: Iterable[Span]) -> AsyncIterator[None]:
        """Wait until no save in flight overlaps `spans`, then hold them until the end."""
        wanted = list(spans)
        while (busy := self._overlapping(wanted)) is not None:
            await busy.wait()
        done = asyncio.Event()
        for key, start, end in wanted:  # no await since the check: nobody slipped in
            self._held.setdefault(key, []).append((start, end, done))
        try:
            yield
        finally:
            for key, start, end in wanted:
                held = self._held[key]
                held.remove((start, end, done))
                if not held:
                    del self._held[key]
            done.set()

    def _overlapping(self, wanted: list[Span]) -> asyncio.Event | None:
        for key, start, end in wanted:
            for b, e, done in self._held.get(key, ()):
                if b < end and start < e:
                    return done
        return None
