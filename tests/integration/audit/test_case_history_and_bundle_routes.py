"""A case's history and bundle over HTTP: asked at once they agree, the bundle verifies
offline, a history without proofs still says what is proven, and a read after the ledger
was tampered with shows the tampering."""

import asyncio
import base64
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.audit.__main__ import routes
from services.audit.verifier import describe, verify_bundle
from tests.integration.audit.helpers import WITNESS, append, as_maintenance, new_application
from tests.support.ledger_data import delivered, envelope, intake_story, some_events


@pytest.fixture
async def case_api(audit_pool) -> AsyncIterator[tuple[httpx.AsyncClient, str, bytes]]:
    """The audit routes over a case of eleven events among others, checkpointed and
    cosigned; the case's id and the ledger's public key."""
    audit = new_application(audit_pool)
    case_id = uuid.uuid4()
    story = intake_story(case_id)  # and a note beyond ASCII, which must hash the same
    story.append(envelope(case_id=case_id, version=11, data={"note": "Siân, café, über"}))
    await append(audit_pool, some_events(5) + delivered(story[:6]) + some_events(3)
                 + delivered(story[6:]))  # fmt: skip
    await audit.issue_checkpoint()
    app = routes(FastAPI())
    app.state.audit = audit
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://audit") as client:
        yield client, str(case_id), base64.b64decode(audit.public_key()["public_key"])


async def test_history_and_bundle_asked_at_once_agree_and_the_bundle_verifies(case_api):
    client, case_id, public_key = case_api

    history, bundle = await asyncio.gather(
        client.get(f"/cases/{case_id}/history"), client.get(f"/cases/{case_id}/bundle")
    )

    assert history.status_code == bundle.status_code == 200
    assert history.headers["content-type"] == "application/json"
    events, entries = history.json()["events"], bundle.json()["entries"]
    assert history.json()["all_proven"] and len(events) == 11
    assert bundle.content.isascii()  # sent escaped, the same text once parsed:
    assert any("Siân, café, über" in e["envelope"] for e in entries)
    proofs = {e["leaf_index"]: e["inclusion_proof"] for e in entries}
    assert {e["leaf_index"]: e["inclusion_proof"] for e in events} == proofs
    report = verify_bundle(bundle.json(), public_key, witness=WITNESS)
    assert report.valid, describe(report)


async def test_a_history_without_proofs_says_what_is_proven_and_nothing_else_changes(case_api):
    client, case_id, _ = case_api

    whole = (await client.get(f"/cases/{case_id}/history")).json()
    short = (await client.get(f"/cases/{case_id}/history", params={"proofs": "false"})).json()

    assert all("inclusion_proof" not in e and e["proven"] for e in short["events"])
    for event in whole["events"]:
        del event["inclusion_proof"]
    assert short == whole


async def test_a_history_read_after_the_ledger_was_tampered_with_shows_it(case_api, audit_pool):
    client, case_id, _ = case_api
    before = (await client.get(f"/cases/{case_id}/history")).json()
    changed = before["events"][2]["leaf_index"]
    await as_maintenance(
        audit_pool,
        "UPDATE ledger_entries SET envelope = set_byte(envelope, 40, get_byte(envelope, 40) # 1)"
        f" WHERE leaf_index = {changed}",
    )

    after = (await client.get(f"/cases/{case_id}/history")).json()

    assert before["all_proven"] and not after["all_proven"]
    assert [e["leaf_index"] for e in after["events"] if not e["proven"]] == [changed]
