"""Intake search benchmark (issue 9): finding a client by NHS number among 10,000 encrypted
cases, through the blind index (a keyed digest matched in PostgreSQL, then only the hit
decrypted), beside the baseline it replaces in the same run: reading and decrypting every
case's referral to compare NHS numbers. Goal: p99 under 20 ms. Runs in a schema of its own
in the intake database (dropped at the end). Run with `make bench`, or:

    python bench/intake_search.py [--cases N] [--queries N]
"""

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.utils import get_topic

from services.intake.digests import KeyedDigests
from services.intake.domain import Case
from services.intake.queries import IntakeQueries
from services.intake.search import BlindIndex, SearchIndex
from shared.eventstore import EventStore
from shared.mapping import build_mapper, new_cipher_key
from tests.conftest import fresh_schema_pool

SITE = "bench"
META = {"actor": {"id": "bench", "role": "intake_worker"}, "correlation_id": "bench"}


def nhs_number(rng: random.Random) -> str:
    while True:
        nine = "".join(rng.choice("0123456789") for _ in range(9))
        total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
        if (check := (11 - total % 11) % 11) != 10:
            return nine + str(check)


def case(number: str, n: int) -> Case:
    client = {"name": f"Client {n} Example", "nhs_number": number}
    client["date_of_birth"] = date(1950, 1, 1) + timedelta(days=n % 20_000)
    referred = date(2025, 1, 1) + timedelta(days=n % 300)
    return Case(id=uuid4(), referral_source="gp", referral_date=referred, site_id=SITE,
                client=client, meta=META)  # fmt: skip


async def timed(work, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p(times: list[float], q: float) -> float:
    return sorted(times)[min(len(times) - 1, int(q * len(times)))]


async def baseline_find(store: EventStore, number: str) -> list:  # type: ignore[type-arg]
    """What search would be without the index: decrypt every referral, compare."""
    rows = await store.pool.fetch(
        "SELECT originator_id FROM stored_events WHERE topic = $1", get_topic(Case.ReferralReceived)
    )
    hits = []
    for row in rows:
        found = await store.get(row["originator_id"])
        if found.client.get("nhs_number") == number:
            hits.append(found.id)
    return hits


async def main(cases: int, queries: int) -> None:
    rng = random.Random(9)
    numbers = [nhs_number(rng) for _ in range(cases)]
    index = SearchIndex()
    index.blind = BlindIndex(KeyedDigests.from_base64(None).derived("search index"))
    async with fresh_schema_pool("intake") as pool:
        async with pool.acquire() as conn:
            await index.ensure_schema(conn)
        store = EventStore(pool, build_mapper(new_cipher_key()), index.project)
        started = time.perf_counter()
        for start in range(0, cases, 500):
            batch = [case(n, start + i) for i, n in enumerate(numbers[start : start + 500])]
            await asyncio.gather(*(store.save(c) for c in batch))
        print(f"stored {cases} encrypted cases in {time.perf_counter() - started:.1f} s")
        search = IntakeQueries(store, search=index)
        picks = [rng.choice(numbers) for _ in range(queries)]
        it = iter(picks * 2)
        await timed(lambda: index.find(pool, SITE, nhs_number=next(it)), 50)  # warm the pool
        it = iter(picks)
        only = await timed(lambda: index.find(pool, SITE, nhs_number=next(it)), queries)
        it = iter(picks)
        indexed = await timed(lambda: search.find_clients(SITE, nhs_number=next(it)), queries)
        base = await timed(lambda: baseline_find(store, rng.choice(numbers)), 3)
    print(f"{'search by NHS number':<40}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, times in (("blind index: the query alone", only),
                        ("blind index + decrypt the hit (the API)", indexed),
                        ("baseline: decrypt every case", base)):  # fmt: skip
        print(f"{name:<40}{p(times, 0.5):>10.2f}{p(times, 0.99):>10.2f}{max(times):>10.2f}")
    ratio = statistics.median(base) / statistics.median(indexed)
    verdict = "met" if p(indexed, 0.99) < 20 else "NOT met"
    print(f"index is {ratio:.0f}x faster at the median; goal p99 < 20 ms: {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(main(args.cases, args.queries))
