"""The ledger proven consistent with a checkpoint issued before a test's fault, by the
auditor's own offline verifier and the served public key.

A whole-ledger bundle (every leaf rebuilds every signed root) costs time in the size of the
ledger: on a fresh clone (CI, `make test`) that is small and the whole ledger is exported
with the CLI and verified. On a machine whose ledger has grown past WHOLE_LEDGER_MAX leaves
(benchmarks add 10,000 a run), the bundle holds every leaf since the mark instead: each
checkpoint signed, each one a proven extension of the mark's (nothing before it rewritten),
and every leaf since proven included in a checkpoint issued now."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from services.audit import cli
from services.audit.verifier import WitnessKey, describe, read_public_key, verify_bundle
from tests.support.gateway_identity import AUDITOR
from tests.support.ledger import LedgerMark
from tests.support.stack import ROOT

WHOLE_LEDGER_MAX = int(os.environ.get("RAPPORT_TEST_WHOLE_LEDGER_MAX", "20000"))


def verify_ledger_since(mark: LedgerMark, folder: Path) -> dict[str, Any]:
    """The verdict on the ledger from the mark's checkpoint to one issued now."""
    with httpx.Client(base_url=mark.url, auth=AUDITOR, timeout=120) as audit:
        anchor = audit.post("/checkpoints").json()
        keys = audit.get("/checkpoints/public-key").json()
        key, witness = keys["public_key"], keys["witness_key"]  # this machine's witness
        if mark.checkpoint["tree_size"] <= WHOLE_LEDGER_MAX:
            return _whole(mark, folder, key, witness)
        bundle = audit.get("/ledger/bundle", params={"checkpoint": anchor["id"],
                           "since": mark.checkpoint["id"]}).json()  # fmt: skip
        after = mark.checkpoint["tree_size"] - 1
        while after is not None:
            page = audit.get("/ledger/bundle/entries", params={"checkpoint": anchor["id"],
                             "after": after, "limit": 5000}).json()  # fmt: skip
            bundle["entries"] += page["items"]
            after = page["next"]
    bundle["complete"] = False  # the leaves since the mark, not before it
    report = verify_bundle(bundle, read_public_key(key), witness=WitnessKey.parse(witness))
    return _summary(bundle, describe(report), 0 if report.valid else 1, "since the mark")


def _whole(mark: LedgerMark, folder: Path, key: str, witness: str) -> dict[str, Any]:
    path = folder / "ledger.json"
    since = str(mark.checkpoint["id"])
    # The CLI's own export, with a client that speaks to the audit service as the gateway does
    # for an auditor (tests/e2e/test_audit_cli.py drives the whole CLI through the gateway).
    with httpx.Client(base_url=mark.url, auth=AUDITOR, timeout=600) as audit, path.open("w") as out:
        cli.export_ledger(audit, {"since": since}, out)
    verified = _cli("verify", str(path), "--public-key", key, "--witness-key", witness)
    bundle = json.loads(path.read_text())
    return _summary(bundle, verified.stdout.strip(), verified.returncode, "whole ledger")


def _summary(bundle: dict, verdict: str, exit_code: int, scope: str) -> dict[str, Any]:
    return {"checkpoints": [c["id"] for c in bundle["checkpoints"]], "scope": scope,
            "entries": len(bundle["entries"]), "verdict": verdict, "exit": exit_code}  # fmt: skip


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.audit.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
