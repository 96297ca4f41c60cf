"""The composed views' lookups of many cases: a week of more cases than intake and forms
take at once is asked in several lookups and every case is found; an id that is not a
case's is never sent (it would fail the whole lookup); each case's forms are asked for its
own sessions only."""

import json
import uuid
from typing import Any
from urllib.parse import parse_qs

from services.gateway.caseparts import BATCH, cases_of, forms_of
from services.gateway.upstream import Answer, Upstream
from shared.identity import Identity


class Services(Upstream):
    """Intake and forms as their lookups answer, recording what was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, dict[str, list[str]], Identity]] = []

    async def send(self, service: str, method: str, path: str, who: Identity,
                   query: bytes = b"", body: bytes = b"",
                   headers: dict[str, str] | None = None) -> Answer:  # fmt: skip
        params = parse_qs(query.decode())
        self.asked.append((service, path, params, who))
        if service == "intake":
            found: Any = [{"case_id": c, "site_id": "north"} for c in params["case_id"]]
        else:
            sessions = params["session_id"]
            found = [{"case_id": c, "forms": [{"session_id": s} for s in sessions]}
                     for c in params["case_id"]]  # fmt: skip
        return Answer(200, {"content-type": "application/json"}, json.dumps(found).encode())


async def test_more_cases_than_one_lookup_takes_are_all_found_as_the_gateway():
    services = Services()
    case_ids = [str(uuid.uuid4()) for _ in range(BATCH + 30)]
    found = await cases_of(services, [*case_ids, "not-a-case", case_ids[0]], "cid")
    assert set(found) == set(case_ids)
    assert [len(params["case_id"]) for _, _, params, _ in services.asked] == [BATCH, 30]
    assert all(who.role == "gateway" and path == "/cases" for _, path, _, who in services.asked)


async def test_each_case_s_forms_are_asked_for_its_own_sessions():
    services = Services()
    weeks = {str(uuid.uuid4()): [str(uuid.uuid4()) for _ in range(3)] for _ in range(40)}
    found = await forms_of(services, weeks, "cid")
    assert set(found) == set(weeks)
    asked = [params for _, _, params, _ in services.asked]
    assert all(len(p["session_id"]) <= BATCH and len(p["case_id"]) <= BATCH for p in asked)
    assert sorted(s for p in asked for s in p["session_id"]) == sorted(
        s for sessions in weeks.values() for s in sessions
    )
    assert [path for _, path, _, _ in services.asked] == ["/forms"] * len(asked) and len(asked) == 2
    for p in asked:  # a session is asked beside its own case, or forms would not give it
        assert {s for c in p["case_id"] for s in weeks[c]} == set(p["session_id"])
