"""The audit service's HTTP answers: proofs an auditor can check with the served public key,
errors as problem details, and reconciliation with Kafka as an endpoint and as metrics."""

import base64
import uuid

import httpx

from services.audit.verifier import (
    checkpoint_body,
    leaf_hash,
    verify_checkpoint_signature,
    verify_consistency,
    verify_inclusion,
)
from shared.envelope import event_id_of
from shared.kafka import topic_of
from tests.conftest import KAFKA
from tests.e2e.audit_steps import post, wait_until_in_ledger
from tests.e2e.intake_people import CLIENTS, days_ago
from tests.support.gateway_identity import AUDITOR
from tests.support.ledger import LedgerMark
from tests.support.wire import TopicMark

REFERRAL = {"referral_source": "gp", "referral_date": days_ago(5), "site_id": "north",
            "client": CLIENTS["tobias"]}  # fmt: skip


async def new_case_in_ledger(intake, audit) -> str:
    body = {
        "referral_source": "gp",
        "referral_date": days_ago(5),
        "site_id": "north",
        "client": CLIENTS["tobias"],
    }
    case_id = (await post(intake, "/referrals", body))["case_id"]
    await wait_until_in_ledger(audit, case_id, 1)
    return case_id


async def test_inclusion_and_consistency_proofs_check_out_with_the_served_key(intake, audit):
    first = (await audit.post("/checkpoints")).json()
    case_id = await new_case_in_ledger(intake, audit)
    latest = (await audit.post("/checkpoints")).json()
    key = base64.b64decode((await audit.get("/checkpoints/public-key")).json()["public_key"])
    event_id = event_id_of("intake", uuid.UUID(case_id), 1)

    proof = (await audit.get("/proofs/inclusion", params={"event_id": str(event_id)})).json()
    chain = (await audit.get("/proofs/consistency", params={"from": first["id"]})).json()

    root = bytes.fromhex(latest["root_hash"])
    body = checkpoint_body(latest["tree_size"], root, latest["issued_at"])
    assert verify_checkpoint_signature(key, body, base64.b64decode(latest["signature"]))
    assert proof["checkpoint"]["id"] == latest["id"]
    digest = leaf_hash(proof["envelope"].encode())
    hashes = [bytes.fromhex(h) for h in proof["inclusion_proof"]]
    assert verify_inclusion(digest, proof["leaf_index"], latest["tree_size"], hashes, root)
    old_root = bytes.fromhex(first["root_hash"])
    steps = [bytes.fromhex(h) for h in chain["proof"]]
    assert verify_consistency(first["tree_size"], latest["tree_size"], old_root, root, steps)


async def test_unknown_event_is_a_404_problem(audit):
    response = await audit.get("/proofs/inclusion", params={"event_id": str(uuid.uuid4())})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "is not in the ledger" in response.json()["detail"]


async def test_reconciliation_accounts_for_this_tests_messages_and_shows_in_metrics(intake, stack):
    wire = await TopicMark.now(KAFKA, topic_of("intake"))
    ledger = await LedgerMark.now(stack.url("audit"))
    case_id = (await post(intake, "/referrals", REFERRAL))["case_id"]
    records = await wire.messages_of({case_id})
    entries = await ledger.entries_of({case_id})

    # Only this test's messages and entries: others' traffic and history are not its to judge.
    assert await ledger.unreconciled(records, entries) == []
    async with httpx.AsyncClient(base_url=stack.url("audit"), auth=AUDITOR) as audit:
        report = (await audit.get("/reconciliation")).json()
        metrics = (await audit.get("/metrics")).text
    assert {p["topic"] for p in report["partitions"]} >= {"intake.events", "gateway.events"}
    [ok] = [float(line.split()[1]) for line in metrics.splitlines()
            if line.startswith("rapport_audit_reconciliation_ok ")]  # fmt: skip
    assert ok == float(report["ok"])
    assert "rapport_audit_ledger_leaves " in metrics
