"""The audit service's metrics (prometheus_client), set at scrape time by `refresh`."""

from datetime import UTC, datetime
from typing import Any

import asyncpg
from prometheus_client import Gauge

from services.audit import checkpoints, entries
from services.audit.reconcile import Reconciler

LEDGER_LEAVES = Gauge("rapport_audit_ledger_leaves", "Leaves (events) in the audit ledger.")
CHECKPOINT_TREE_SIZE = Gauge(
    "rapport_audit_checkpoint_tree_size", "Tree size of the latest signed checkpoint."
)
CHECKPOINT_AGE = Gauge(
    "rapport_audit_checkpoint_age_seconds", "Seconds since the latest checkpoint was signed."
)
RECONCILIATION_OK = Gauge(
    "rapport_audit_reconciliation_ok",
    "1 when every message is in the ledger and every entry has its message, at the last"
    " reconciliation.",
)
PARTITION = ["topic", "partition"]
MISSING = Gauge(
    "rapport_audit_reconciliation_missing", "Messages consumed but not in the ledger.", PARTITION
)
ORPHANS = Gauge(
    "rapport_audit_reconciliation_orphans", "Ledger entries without their message on Kafka.",
    PARTITION,
)  # fmt: skip
PENDING = Gauge(
    "rapport_audit_reconciliation_pending",
    "Messages the ledger consumer has not reached yet.",
    PARTITION,
)
CHECKED_AT = Gauge(
    "rapport_audit_reconciliation_checked_at_seconds", "When the last reconciliation ran."
)


async def refresh(pool: asyncpg.Pool, reconciler: Reconciler) -> None:
    LEDGER_LEAVES.set(await entries.tree_size(pool))
    latest = await checkpoints.latest_or_none(pool)
    if latest:
        CHECKPOINT_TREE_SIZE.set(latest.tree_size)
        CHECKPOINT_AGE.set((datetime.now(UTC) - latest.issued_at).total_seconds())
    if reconciler.last is not None:
        show_reconciliation(reconciler.last)


def show_reconciliation(report: dict[str, Any]) -> None:
    RECONCILIATION_OK.set(float(report["ok"]))
    for gauge in (MISSING, ORPHANS, PENDING):
        gauge.clear()  # partitions of the last report only
    for part in report["partitions"]:
        labels = (part["topic"], str(part["partition"]))
        MISSING.labels(*labels).set(part["missing_count"])
        ORPHANS.labels(*labels).set(part["orphan_count"])
        PENDING.labels(*labels).set(part["pending"])
    if report["entries_off_topics"]:
        ORPHANS.labels("(not a service topic)", "-").set(len(report["entries_off_topics"]))
    CHECKED_AT.set(report["checked_at_epoch"])
