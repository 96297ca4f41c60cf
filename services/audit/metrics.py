"""The audit service's metrics in the Prometheus text format."""

from typing import Any

from shared.metrics import Sample, render

__all__ = ["HELP", "Sample", "reconciliation_samples", "render"]


HELP = {
    "rapport_audit_ledger_leaves": "Leaves (events) in the audit ledger.",
    "rapport_audit_checkpoint_tree_size": "Tree size of the latest signed checkpoint.",
    "rapport_audit_checkpoint_age_seconds": "Seconds since the latest checkpoint was signed.",
    "rapport_audit_consumer_processed": "Messages the ledger consumer has handled since start.",
    "rapport_audit_consumer_dead_letters": "Messages the ledger consumer dead-lettered.",
    "rapport_audit_reconciliation_ok": "1 when every message is in the ledger and every entry"
    " has its message, at the last reconciliation.",
    "rapport_audit_reconciliation_missing": "Messages consumed but not in the ledger.",
    "rapport_audit_reconciliation_orphans": "Ledger entries without their message on Kafka.",
    "rapport_audit_reconciliation_pending": "Messages the ledger consumer has not reached yet.",
    "rapport_audit_reconciliation_checked_at_seconds": "When the last reconciliation ran.",
}


def reconciliation_samples(report: dict[str, Any] | None) -> list[Sample]:
    if report is None:
        return []
    samples: list[Sample] = [("rapport_audit_reconciliation_ok", {}, float(report["ok"]))]
    for part in report["partitions"]:
        labels = {"topic": part["topic"], "partition": str(part["partition"])}
        samples += [
            ("rapport_audit_reconciliation_missing", labels, part["missing_count"]),
            ("rapport_audit_reconciliation_orphans", labels, part["orphan_count"]),
            ("rapport_audit_reconciliation_pending", labels, part["pending"]),
        ]
    if report["entries_off_topics"]:
        labels = {"topic": "(not a service topic)", "partition": "-"}
        samples.append(
            ("rapport_audit_reconciliation_orphans", labels, len(report["entries_off_topics"]))
        )
    samples.append(
        ("rapport_audit_reconciliation_checked_at_seconds", {}, report["checked_at_epoch"])
    )
    return samples
