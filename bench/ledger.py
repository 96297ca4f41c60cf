"""Audit ledger benchmark: batched append throughput and proof latency at 1,000,000 leaves,
beside plain SHA-256 hashing of the same bytes measured in the same run.

    set -a; source .state/dev.env; set +a
    .venv/bin/python bench/ledger.py                 # 1,000,000 leaves, a few minutes
    .venv/bin/python bench/ledger.py --leaves 100000 # quicker

Writes into a fresh schema of the audit database (AUDIT_DATABASE_URL) and drops it after.
Goals (issue 4): >= 10,000 appended leaves/s on 2 cores; inclusion proof p99 < 5 ms.
Then (issue 8) the whole ledger is exported and verified with the offline verifier, beside
plain SHA-256 of the exported bytes (bench/ledger_export.py).
"""

import argparse
import asyncio
import hashlib
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ledger_export import export_and_verify
from services.audit import entries, ledger, proofs
from services.audit.merkle import CompactRange
from services.audit.schema import ensure_audit_schema
from services.audit.verifier import leaf_hash
from shared.consumer import Delivered
from shared.envelope import Actor, Envelope, event_id_of

ACTOR = Actor(id="staff-bench", role="intake_worker")
TYPES = ["intake.ReferralReceived", "intake.AssessmentBooked", "gateway.CaseViewed"]


def batch_of(start: int, size: int) -> list[Delivered]:
    """Messages shaped like the relays' (about 500 bytes each), with the bytes a consumer
    receives: the ledger hashes those as they are."""
    items = []
    for n in range(start, start + size):
        case_id = uuid.UUID(int=n // 8 + 1)
        version = n % 8 + 1
        envelope = Envelope.model_construct(  # valid by construction; skip the checks
            event_id=event_id_of("intake", case_id, version), type=TYPES[n % 3], schema_version=1,
            case_id=case_id, site_id="north", originator_id=case_id, originator_version=version,
            occurred_at=datetime.now(UTC), actor=ACTOR, correlation_id=str(uuid.uuid4()),
            causation_id=None, data={"referral_source": "gp", "referral_date": "2025-03-03"},
        )  # fmt: skip
        items.append(Delivered(envelope, "intake.events", n % 3, n))
    return items


class Clock:
    """Accumulates the seconds spent in each named step."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def add(self, name: str, started: float) -> None:
        self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - started


async def load(pool: asyncpg.Pool, leaves: int, batch: int, clock: Clock) -> None:
    tree = CompactRange()
    for start in range(0, leaves, batch):
        items = batch_of(start, min(batch, leaves - start))
        values = [item.value for item in items]
        started = time.perf_counter()
        for data in values:
            hashlib.sha256(data).digest()
        clock.add("plain SHA-256", started)
        started = time.perf_counter()
        for data in values:
            tree.append(leaf_hash(data))
        clock.add("Merkle tree in memory", started)
        started = time.perf_counter()
        async with pool.acquire() as conn, conn.transaction():
            await ledger.append(conn, items)
        clock.add("ledger append", started)
        if start >= leaves * 9 // 10:
            clock.add("ledger append, last tenth", started)
        if start // batch % 200 == 0:
            print(f"  {start + len(items):>9,} leaves", file=sys.stderr)
    assert await proofs.root_at(pool, leaves) == tree.root(), "stored tree differs"


async def latencies(samples: int, work) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def describe(name: str, times: list[float]) -> str:
    p = statistics.quantiles(times, n=100)
    return (
        f"{name:<34} p50 {p[49]:6.2f} ms   p99 {p[98]:6.2f} ms   max {max(times):6.2f} ms"
        f"   ({len(times)} samples)"
    )


async def proof_latencies(pool: asyncpg.Pool, leaves: int, samples: int) -> list[str]:
    rng = random.Random(7)

    async def by_index() -> None:
        await proofs.prove_inclusion(pool, rng.randrange(leaves), leaves)

    async def by_event_id() -> None:
        n = rng.randrange(leaves)
        event_id = event_id_of("intake", uuid.UUID(int=n // 8 + 1), n % 8 + 1)
        await proofs.prove_inclusion(pool, await entries.leaf_index_of(pool, event_id), leaves)

    async def consistency() -> None:
        await proofs.prove_consistency(pool, rng.randrange(1, leaves), leaves)

    return [
        describe("inclusion proof (by leaf index)", await latencies(samples, by_index)),
        describe("inclusion proof (by event_id)", await latencies(samples, by_event_id)),
        describe("consistency proof", await latencies(samples, consistency)),
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument(
        "--batch", type=int, default=500, help="leaves per append (consumer default)"
    )
    parser.add_argument("--samples", type=int, default=2000, help="proofs timed per kind")
    args = parser.parse_args()
    url = os.environ["AUDIT_DATABASE_URL"]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    pool = await asyncpg.create_pool(
        url, min_size=1, max_size=2, server_settings={"search_path": schema}
    )
    try:
        async with pool.acquire() as conn:
            await ensure_audit_schema(conn)
        clock = Clock()
        print(f"appending {args.leaves:,} leaves in batches of {args.batch} ...", file=sys.stderr)
        await load(pool, args.leaves, args.batch, clock)
        await pool.execute("ANALYZE ledger_entries; ANALYZE ledger_nodes")
        proof_lines = await proof_latencies(pool, args.leaves, args.samples)
        report(args, clock, proof_lines + await export_and_verify(pool, args.leaves))
    finally:
        await pool.close()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


def report(args: argparse.Namespace, clock: Clock, proof_lines: list[str]) -> None:
    n, spent = args.leaves, clock.spent
    append_rate = n / spent["ledger append"]
    print(f"\nAudit ledger, {n:,} leaves, batches of {args.batch}, {os.cpu_count()} cores")
    tenth = n - -(-(n * 9 // 10) // args.batch) * args.batch  # leaves of the batches timed
    for name, seconds in spent.items():
        count = tenth if name.endswith("last tenth") else n
        print(f"{name:<34} {seconds:8.2f} s   {count / seconds:>12,.0f} leaves/s")
    ratio = spent["ledger append"] / spent["plain SHA-256"]
    print(f"ledger append vs plain SHA-256     {ratio:8.1f}x the time")
    goal = "met" if append_rate >= 10_000 else "NOT met"
    print(f"append goal (>= 10,000 leaves/s)    {goal}: {append_rate:,.0f} leaves/s")
    for line in proof_lines:
        print(line)


if __name__ == "__main__":
    asyncio.run(main())
