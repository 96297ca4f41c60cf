"""No personal detail or free text that a client's journey sent to intake appears anywhere
but intake's own encrypted store: not in a message of the intake topic (key, headers,
value), not in a dead letter or its headers, not in the services' logs, not in what the
audit service exports. Every message also fits the JSON Schema of its event type.

The journey's values carry a token of this run, so the test depends on no other test and
counts nothing of anyone else's; it scans from where each place stood when it began."""

import json
import subprocess
import sys
from pathlib import Path

import httpx
from jsonschema import Draft202012Validator, FormatChecker

from services.audit import cli
from shared.contracts.export import SCHEMAS
from shared.kafka import topic_of
from tests.conftest import KAFKA
from tests.e2e.privacy_journey import personal_details, whole_journey
from tests.support.gateway_identity import AUDITOR
from tests.support.ledger import LedgerMark
from tests.support.stack import ROOT, Stack
from tests.support.topics import read_since
from tests.support.wire import TopicMark, text_of


def looked_for(client: dict, texts: dict) -> set[str]:
    values = {str(v) for v in client.values()} | set(texts.values())
    values |= {v.replace(" ", "") for v in client.values() if " " in v}
    return values | {w for w in client["name"].split() if len(w) > 3}


def leaks(where: str, text: str, values: set[str]) -> list[tuple[str, str]]:
    return [(where, v) for v in values if v.lower() in text.lower()]


def validate(envelope: dict) -> None:
    schema = json.loads((SCHEMAS / f"{envelope['type']}.json").read_text())
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(envelope)


async def test_a_clients_details_stay_in_intake_not_on_kafka_dead_letters_logs_or_exports(
    intake, stack: Stack, tmp_path: Path
):
    client, texts = personal_details()
    values = looked_for(client, texts)
    wire = await TopicMark.now(KAFKA, topic_of("intake"))
    ledger = await LedgerMark.now(stack.url("audit"))
    logs = {name: stack.log(name) for name in stack.processes}
    log_starts = {name: path.stat().st_size for name, path in logs.items()}

    case_id = await whole_journey(intake, client, texts)

    def decided(records) -> bool:
        return any(r.key == case_id.encode() and b"DataSubjectRequestDecided" in r.value
                   for r in records)  # fmt: skip

    records = await read_since(KAFKA, wire.topic, wire.start, decided)
    ours = [r for r in records if r.key == case_id.encode()]
    found = [leak for r in records for leak in leaks(f"{r.topic}/{r.offset}", text_of(r), values)]
    found += [leak for r in await wire.dead_letters() for leak in
              leaks(f"dead letter {r.offset}", text_of(r), values)]  # fmt: skip
    entries = await ledger.entries_of({case_id}, per_case=len(ours))
    async with httpx.AsyncClient(base_url=stack.url("audit"), auth=AUDITOR) as audit:
        # The export is of the latest checkpoint: make one that covers the case's entries.
        assert (await audit.post("/checkpoints")).status_code == 201
    for where, text in exported(stack, case_id, tmp_path).items():
        found += leaks(where, text, values)
    for name, path in logs.items():
        with path.open("rb") as log:
            log.seek(log_starts[name])
            found += leaks(f"{name} log", log.read().decode(errors="replace"), values)

    assert found == []
    on_wire = sorted(json.loads(r.value)["type"] for r in ours)
    assert len(ours) >= 16 and sorted(e["type"] for e in entries) == on_wire, "all scanned"
    assert texts["goodbye_letter"] in values and client["nhs_number"] in values
    for record in ours:
        validate(json.loads(record.value))


def exported(stack: Stack, case_id: str, folder: Path) -> dict[str, str]:
    """What an auditor takes away: the case bundle and its timeline, from the CLI."""
    bundle = folder / "case.json"
    # The CLI's export with a client that speaks to audit as the gateway does for an auditor.
    auditor = httpx.Client(base_url=stack.url("audit"), auth=AUDITOR, timeout=60)
    with auditor as audit, bundle.open("w") as out:
        keys = audit.get("/checkpoints/public-key").json()  # the ledger's and its witness's
        assert cli.export_case(audit, case_id, {}, out) > 0
    timeline = _cli(
        "timeline", str(bundle), "--public-key", keys["public_key"],
        "--witness-key", keys["witness_key"], "--json",
    )  # fmt: skip
    assert timeline.returncode == 0, timeline.stderr
    return {"case bundle": bundle.read_text(), "case timeline": timeline.stdout}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.audit.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
