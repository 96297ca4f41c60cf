"""What the demo prints after the month: what it did, what it could not show and why, an
auditor's replay of one case, and the case's bundle checked by the offline verifier against
the ledger's pinned public key."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.audit.verifier import describe, read_public_key, verify_bundle

if TYPE_CHECKING:
    from demo.month import Month

OUT = Path(".state") / "demo"
NOT_SHOWN = (
    "the ledger's witness: this build has no witness service; the verification below rests "
    "on the ledger's signed checkpoints and the public key pinned here.",
)


def what_it_did(month: "Month") -> str:
    lines = ["", "What the month held (site " + month.gateway.site + "):"]
    lines += [f"  - {line}" for line in month.did]
    calls = ", ".join(f"{n} x {kind}" for kind, n in sorted(month.gateway.calls.items()))
    lines += [f"  requests through the gateway: {sum(month.gateway.calls.values())} ({calls})"]
    lines += ["", "Not shown, and why:"] + [f"  - {line}" for line in NOT_SHOWN]
    web = str(month.gateway.http.base_url).rstrip("/") + "/web/"
    lines += ["", f"The staff web app shows the same month: {web}, signed in as "
              f"{month.gateway.users['therapist']} or supervisor.{month.gateway.site} "
              "(the demo password)."]  # fmt: skip
    return "\n".join(lines)


async def replay_and_verify(month: "Month", case_id: str) -> tuple[str, bool]:
    """The replay and the verification as text, and whether the case verified."""
    from demo.month import until

    g = month.gateway
    path = f"/audit/cases/{case_id}"

    async def whole() -> Any:  # the ledger takes each service's topic at its own pace
        answer = await g.http.get(f"{path}/history", headers=await g.headers("auditor"))
        state = answer.json().get("state", {}) if answer.status_code == 200 else {}
        return (state.get("course", {}).get("status") == "completed" and state.get("forms")
                and state.get("status") == "discharged")  # fmt: skip

    # every second, not faster: each look is an auditor's read, which the ledger records too
    await until(whole, "the case's course, feedback and discharge in the ledger", 90, every=1)
    replay = await g.call("auditor", "GET", f"{path}/history", format="text")
    key = (await g.call("auditor", "GET", "/audit/checkpoints/public-key"))["public_key"]
    bundle = await g.call("auditor", "GET", f"{path}/bundle")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ledger.pub").write_text(key + "\n")
    saved = OUT / f"case-{case_id}.json"
    saved.write_text(json.dumps(bundle, indent=1))
    report = verify_bundle(bundle, read_public_key(key))
    verdict = describe(report)
    return "\n".join([
        "", f"The auditor's replay of case {case_id}:", "", str(replay).rstrip(), "",
        "The ledger's verification of that case (offline verifier, pinned key):",
        f"  {verdict}",
        f"  again, on any machine: python services/audit/verifier.py {saved} "
        f"--public-key {OUT / 'ledger.pub'}",
    ]), report.valid  # fmt: skip
