"""Reconciliation's bookkeeping, without I/O: how each message read from Kafka is accounted
for, and the report the endpoint and the metrics show."""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

SHOWN = 20  # offsets or leaf indexes listed per problem and partition


@dataclass
class PartitionCheck:
    topic: str
    partition: int
    end_offset: int
    checked_to: int
    consumer_position: int
    missing: list[int] = field(default_factory=list)  # offsets not in the ledger
    orphans: list[int] = field(default_factory=list)  # leaf indexes without their message
    pending: int = 0
    duplicates: int = 0
    dead_lettered: int = 0


def classify(
    check: PartitionCheck, messages: dict[int, UUID | None], at_offset: dict[int, UUID],
    elsewhere: set[UUID],
) -> list[int]:  # fmt: skip
    """Account for each message; return the offsets that are not accounted for yet."""
    problems = []
    for offset, event_id in sorted(messages.items()):
        if event_id is None:
            check.dead_lettered += 1
        elif at_offset.get(offset) == event_id:
            continue
        elif event_id in elsewhere:
            check.duplicates += 1
        elif offset > check.consumer_position:
            check.pending += 1
            problems.append(offset)
        else:
            check.missing.append(offset)
            problems.append(offset)
    return problems


def report(checks: list[PartitionCheck], strays: list[int]) -> dict[str, Any]:
    totals = {
        "missing": sum(len(c.missing) for c in checks),
        "orphans": sum(len(c.orphans) for c in checks) + len(strays),
        "pending": sum(c.pending for c in checks),
        "duplicates": sum(c.duplicates for c in checks),
        "dead_lettered": sum(c.dead_lettered for c in checks),
    }
    partitions = []
    for c in checks:
        shown = asdict(c)
        shown["missing"], shown["orphans"] = c.missing[:SHOWN], c.orphans[:SHOWN]
        shown["missing_count"], shown["orphan_count"] = len(c.missing), len(c.orphans)
        partitions.append(shown)
    now = datetime.now(UTC)
    return {
        "checked_at": now.isoformat(),
        "checked_at_epoch": now.timestamp(),
        "ok": totals["missing"] == 0 and totals["orphans"] == 0,
        "totals": totals,
        "partitions": partitions,
        "entries_off_topics": strays,
    }
