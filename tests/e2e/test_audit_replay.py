"""A case driven through the real intake service replays, from the audit ledger alone, to the
state intake reports; replayed as of an earlier checkpoint, it shows the state back then."""

import re
from datetime import datetime
from typing import Any

from tests.e2e.audit_steps import referral_to_first_ipaf, revise_and_discharge, wait_until_in_ledger

SAME = (
    "version",
    "status",
    "episode_status",
    "episode_history",
    "site_id",
    "referral_source",
    "referral_date",
    "therapist_id",
    "allocations",
    "first_treatment_on",
    "ending",
    "assessment",
)
PICKED = {  # fields of the lists that reach the ledger (texts stay in intake, as digests)
    "outcome": ("suitable", "ending_code", "assessed_on"),
    "consents": (
        "consent_id",
        "document",
        "template_version",
        "signed_by",
        "witnessed_by",
        "method",
        "signed_at",
        "withdrawn_on",
        "stops",
    ),
    "ipaf": ("revision", "agreed_on", "recorded_by", "ipaf_sha256"),
    "goodbye_letters": ("revision", "letter_date", "written_by", "letter_sha256"),
}


def comparable(case: dict[str, Any]) -> dict[str, Any]:
    """What intake reports that the ledger can know, in one shape for both sides."""
    shown = {name: normal(case[name]) for name in SAME}
    for name, fields in PICKED.items():
        value = case[name]
        if isinstance(value, dict):
            shown[name] = {f: normal(value.get(f)) for f in fields}
        else:
            shown[name] = [{f: normal(item.get(f)) for f in fields} for item in value or []]
    return shown


def normal(value: Any) -> Any:
    """Times compared as instants, whatever their spelling (Z or +00:00)."""
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        return datetime.fromisoformat(value)
    return value


async def test_case_replays_to_what_intake_reports_now_and_at_an_earlier_checkpoint(intake, audit):
    case_id = await referral_to_first_ipaf(intake)
    case_then = (await intake.get(f"/cases/{case_id}")).json()
    await wait_until_in_ledger(audit, case_id, case_then["version"])
    earlier = (await audit.post("/checkpoints")).json()
    await revise_and_discharge(intake, case_id)
    case_now = (await intake.get(f"/cases/{case_id}")).json()
    await wait_until_in_ledger(audit, case_id, case_now["version"])
    await audit.post("/checkpoints")

    now = (await audit.get(f"/cases/{case_id}/history")).json()
    then = (
        await audit.get(f"/cases/{case_id}/history", params={"checkpoint": earlier["id"]})
    ).json()

    assert now["all_proven"] and then["all_proven"]
    assert comparable(now["state"]) == comparable(case_now)
    assert comparable(then["state"]) == comparable(case_then)
    assert [v["revision"] for v in now["state"]["ipaf"]] == [1, 2]
    assert now["state"]["status"] == "discharged" and then["state"]["status"] == "active"
    assert {e["actor"]["id"] for e in now["events"]} == {"staff-e2e"}


async def test_history_as_readable_text_lists_every_event_and_the_state(intake, audit):
    case_id = await referral_to_first_ipaf(intake)
    version = (await intake.get(f"/cases/{case_id}")).json()["version"]
    await wait_until_in_ledger(audit, case_id, version)
    await audit.post("/checkpoints")

    text = (await audit.get(f"/cases/{case_id}/history", params={"format": "text"})).text

    # Other services may have reacted to the case (forms to its consent): their events count
    # in its history too, but only intake's are this test's.
    listed = int(re.search(r"(\d+) events, each proven against the checkpoint", text)[1])
    assert listed >= version and text.count("intake.") >= version
    assert "intake.ConsentRecorded" in text and "staff-e2e (intake_worker)" in text
    assert "  status: active" in text
