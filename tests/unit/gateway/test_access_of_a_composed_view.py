"""A composed view records one access event per case it shows, all in one save (one
transaction: the view is recorded for every case or for none), each naming its case, the
case's site, the view, the action that allowed it and who looked."""

import uuid
from typing import Any

from services.gateway.access import AccessLog
from services.gateway.domain import CaseAccess
from shared.eventstore import EventStore
from shared.identity import Identity

VIEW = "/gateway/therapists/{therapist_id}/today"


class Saves(EventStore):
    """The store's save, recording each call's aggregates instead of writing them."""

    def __init__(self) -> None:
        self.saved: list[tuple[Any, ...]] = []

    async def save(self, *aggregates: Any, conn: Any = None) -> list[int]:
        self.saved.append(aggregates)
        return list(range(len(aggregates)))


async def test_each_case_shown_is_one_event_all_saved_together():
    store = Saves()
    who = Identity("therapist.north", "therapist", ("therapist",), ("north",), "cid-1")
    shown = {uuid.uuid4(): "north", uuid.uuid4(): "south", uuid.uuid4(): None}

    ids = await AccessLog(store).viewed_cases(who, shown, VIEW, "diary.read")

    [saved] = store.saved
    assert all(isinstance(a, CaseAccess) for a in saved) and [a.id for a in saved] == ids
    assert {(a.case_id, a.site_id) for a in saved} == set(shown.items())
    assert {(a.view, a.action, a.subject, a.role, a.break_glass) for a in saved} == {
        (VIEW, "diary.read", "therapist.north", "therapist", False)
    }


async def test_a_view_that_shows_no_case_records_nothing():
    store = Saves()
    who = Identity("supervisor.north", "supervisor", ("supervisor",), ("north",), "cid-2")
    assert await AccessLog(store).viewed_cases(who, {}, VIEW, "risk.read") == []
    assert store.saved == []
