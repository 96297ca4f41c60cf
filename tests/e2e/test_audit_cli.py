"""The auditor's command-line tool against the running services, through the gateway with
an auditor's token from Keycloak: export a case bundle, verify it offline, print its
timeline; a bundle changed after export fails verification."""

import json
import subprocess
import sys

from tests.e2e.audit_steps import moment, post, wait_until_in_ledger
from tests.e2e.gateway_support import token_of, with_gateway
from tests.e2e.intake_people import CLIENTS, days_ago
from tests.support.stack import ROOT


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.audit.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


async def through_gateway(stack) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """The CLI's --url and --token: the audit routes of the gateway, as an auditor."""
    await with_gateway(stack)
    return "--url", f"{stack.url('gateway')}/audit", "--token", await token_of("auditor.north")


async def test_exported_case_bundle_verifies_offline_and_prints_its_timeline(
    intake, audit, stack, tmp_path
):
    body = {"referral_source": "self", "referral_date": days_ago(9), "site_id": "north",
            "client": CLIENTS["osric"]}  # fmt: skip
    case_id = (await post(intake, "/referrals", body))["case_id"]
    booking = {"scheduled_for": moment(2), "assessor_id": "a-2"}
    await post(intake, f"/cases/{case_id}/assessment", booking)
    await wait_until_in_ledger(audit, case_id, 2)
    await audit.post("/checkpoints")
    bundle, key = tmp_path / "case.json", tmp_path / "audit.pub"
    auditor = await through_gateway(stack)

    key.write_text(cli("public-key", *auditor).stdout)
    witness = cli("witness-key", *auditor).stdout.strip()
    exported = cli("export", "--case", case_id, *auditor, "-o", str(bundle))
    verified = cli("verify", str(bundle), "--public-key", str(key), "--witness-key", witness)
    shown = cli("timeline", str(bundle), "--public-key", str(key), "--witness-key", witness)

    assert exported.returncode == 0, exported.stderr
    assert verified.returncode == 0 and verified.stdout.startswith("valid: 2 entries")
    assert shown.returncode == 0 and "intake.AssessmentBooked" in shown.stdout
    assert "  status: assessment_booked" in shown.stdout


async def test_bundle_changed_after_export_fails_with_the_leaf_named(
    intake, audit, stack, tmp_path
):
    body = {"referral_source": "gp", "referral_date": days_ago(3), "site_id": "north",
            "client": CLIENTS["ines"]}  # fmt: skip
    case_id = (await post(intake, "/referrals", body))["case_id"]
    await wait_until_in_ledger(audit, case_id, 1)
    await audit.post("/checkpoints")
    path, auditor = tmp_path / "case.json", await through_gateway(stack)
    assert cli("export", "--case", case_id, *auditor, "-o", str(path)).returncode == 0
    key = cli("public-key", *auditor).stdout.strip()
    witness = cli("witness-key", *auditor).stdout.strip()

    bundle = json.loads(path.read_text())
    entry = bundle["entries"][0]
    entry["envelope"] = entry["envelope"].replace(
        '"referral_source":"gp"', '"referral_source":"self"'
    )
    path.write_text(json.dumps(bundle))
    verified = cli("verify", str(path), "--public-key", key, "--witness-key", witness)

    assert verified.returncode == 1
    assert f"first bad entry: leaf index {entry['leaf_index']}" in verified.stdout
