"""What the demo prints after the month: what it did, an auditor's replay of one case, and
the case's bundle checked by the offline verifier against the ledger's pinned public key and
the witness's: the checkpoint the case is proven against must carry the witness's
cosignature, so a ledger rewritten by whoever holds its own key alone would not verify. The
witness's key is asked of the witness itself (another organisation in production), not of
the ledger it vouches for."""

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from demo.gateway import Refused
from services.audit.verifier import WitnessKey, describe, read_public_key, verify_bundle

if TYPE_CHECKING:
    from demo.month import Month

OUT = Path(".state") / "demo"
WITNESS_URL = os.environ.get("RAPPORT_WITNESS_URL", "http://127.0.0.1:8005")


def what_it_did(month: "Month") -> str:
    lines = ["", "What the month held (site " + month.gateway.site + "):"]
    lines += [f"  - {line}" for line in month.did]
    calls = ", ".join(f"{n} x {kind}" for kind, n in sorted(month.gateway.calls.items()))
    lines += [f"  requests through the gateway: {sum(month.gateway.calls.values())} ({calls})"]
    web = str(month.gateway.http.base_url).rstrip("/") + "/web/"
    lines += ["", f"The staff web app shows the same month: {web}, signed in as "
              f"{month.gateway.users['therapist']} or supervisor.{month.gateway.site} "
              "(the demo password)."]  # fmt: skip
    return "\n".join(lines)


async def witness_key(url: str) -> WitnessKey:
    """The witness's verifier key, from the witness (its public key route needs no token)."""
    async with httpx.AsyncClient(base_url=url, timeout=10) as witness:
        answer = await witness.get("/public-key")
    if answer.status_code != 200:
        raise Refused(f"the witness at {url}: GET /public-key -> {answer.status_code}")
    return WitnessKey.parse(answer.json()["verifier_key"])


async def grew_from(month: "Month", bundle: dict[str, Any], kept: dict[str, Any]) -> None:
    """The proof that the kept checkpoint's tree is a prefix of the bundle's first checkpoint
    at least as large (as `cli export --trusted-checkpoint` adds it)."""
    later = [c for c in bundle["checkpoints"] if c["tree_size"] >= kept["tree_size"]]
    if not later:
        return  # the verifier says the bundle is older than the kept checkpoint
    first = min(later, key=lambda c: c["tree_size"])
    sizes = {"from_size": kept["tree_size"], "to_size": first["tree_size"]}
    found = await month.gateway.call("auditor", "GET", "/audit/proofs/consistency/sizes", **sizes)
    bundle["trusted_consistency"] = {"from_size": kept["tree_size"], "to": first["id"],
                                     "proof": found["proof"]}  # fmt: skip


async def replay_and_verify(
    month: "Month", case_id: str, witness_url: str = WITNESS_URL
) -> tuple[str, bool]:
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
    kept = getattr(month, "kept", None)
    if kept:
        await grew_from(month, bundle, kept)
        (OUT / "kept-checkpoint.json").write_text(json.dumps(kept, indent=1))
    saved.write_text(json.dumps(bundle, indent=1))
    witness = await witness_key(witness_url)
    (OUT / "witness.vkey").write_text(witness.vkey() + "\n")
    report = verify_bundle(bundle, read_public_key(key), trusted=kept, witness=witness)
    verdict = describe(report)
    if kept and report.valid:
        verdict += (f"; and it extends checkpoint #{kept['id']} (tree size {kept['tree_size']}),"
                    " which the auditor kept before the month")  # fmt: skip
    return "\n".join([
        "", f"The auditor's replay of case {case_id}:", "", str(replay).rstrip(), "",
        f"The ledger's verification of that case (offline verifier, the ledger's pinned key "
        f"and the witness's, {witness.name}):",
        f"  {verdict}",
        "  again, here or on another machine (verifier.py needs only Python and cryptography):",
        f"  .venv/bin/python services/audit/verifier.py {saved} "
        f"--public-key {OUT / 'ledger.pub'} --witness-key {OUT / 'witness.vkey'}"
        + (f" --trusted-checkpoint {OUT / 'kept-checkpoint.json'}" if kept else ""),
    ]), report.valid  # fmt: skip
