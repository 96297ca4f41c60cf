"""What a test's own events look like in the audit ledger, read from a checkpoint issued
when the test began (never the whole ledger from its start): the entries of its cases, and
how reconciliation accounts for its messages. Bundles: tests/support/bundles.py."""

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import ConsumerRecord

from tests.support.gateway_identity import AUDITOR

Entry = dict[str, Any]


@dataclass
class LedgerMark:
    """A checkpoint issued when the test began: its entries come after its tree size. Only
    entries from `topic` count: other services may react to the test's cases with events of
    their own (forms to a consent, say), which are theirs, not the test's."""

    url: str
    checkpoint: dict[str, Any]
    topic: str = "intake.events"

    @classmethod
    async def now(cls, url: str, topic: str = "intake.events") -> "LedgerMark":
        async with httpx.AsyncClient(base_url=url, auth=AUDITOR) as audit:
            response = await audit.post("/checkpoints")
        assert response.status_code == 201, response.text
        return cls(url, response.json(), topic)

    def _ours(self, page: list[Entry], case_ids: set[str]) -> list[Entry]:
        return [e for e in page if e["case_id"] in case_ids and e["topic"] == self.topic]

    async def entries_of(
        self, case_ids: set[str], per_case: int = 1, seconds: float = 60
    ) -> list[Entry]:
        """The entries of these cases since the mark, once each case has `per_case`.
        Pages forward from where it last read, so a poll costs only what arrived since;
        rides out the audit service restarting."""
        found: list[Entry] = []
        after = self.checkpoint["tree_size"] - 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        async with httpx.AsyncClient(base_url=self.url, auth=AUDITOR, timeout=30) as audit:
            while True:
                page = await _page(audit, after)
                found += self._ours(page, case_ids)
                after = page[-1]["leaf_index"] if page else after
                counts = Counter(e["case_id"] for e in found)
                if all(counts[c] >= per_case for c in case_ids):
                    return found
                if not page and loop.time() > deadline:
                    missing = sorted(c for c in case_ids if counts[c] < per_case)
                    raise AssertionError(
                        f"{len(missing)} of {len(case_ids)} cases short of {per_case} ledger"
                        f" entries after {seconds}s: {missing[:3]}"
                    )
                if not page:
                    await asyncio.sleep(0.1)

    async def entries_now(self, case_ids: set[str]) -> list[Entry]:
        """The entries of these cases the ledger holds now, since the mark."""
        found: list[Entry] = []
        after = self.checkpoint["tree_size"] - 1
        async with httpx.AsyncClient(base_url=self.url, auth=AUDITOR, timeout=30) as audit:
            while page := await _page(audit, after):
                found += self._ours(page, case_ids)
                after = page[-1]["leaf_index"]
        return found

    async def unreconciled(self, records: list[ConsumerRecord], entries: list[Entry]) -> list[str]:
        """Reconciliation run now, as it concerns only these messages and entries: each
        message accounted for (in the ledger, a known duplicate or dead-lettered), and no
        entry of these an orphan. Problems of other traffic are not ours to fail on."""
        async with httpx.AsyncClient(base_url=self.url, auth=AUDITOR, timeout=120) as audit:
            report = (await audit.post("/reconciliation")).json()
        partitions = {(p["topic"], p["partition"]): p for p in report["partitions"]}
        problems = []
        for r in records:
            p = partitions.get((r.topic, r.partition))
            if p is None:
                problems.append(f"{r.topic}/{r.partition} not reconciled at all")
            elif r.offset >= p["checked_to"] and (
                r.offset in p["missing"] or p["missing_count"] > len(p["missing"])
                or r.offset > p["consumer_position"]
            ):  # fmt: skip
                problems.append(f"{r.topic}/{r.partition}/{r.offset} not accounted for")
        ours = {e["leaf_index"] for e in entries}
        orphans = [i for p in partitions.values() for i in p["orphans"]]
        problems += [
            f"leaf {i} has no message" for i in ours & {*orphans, *report["entries_off_topics"]}
        ]
        return problems


def once_each(entries: list[Entry]) -> Counter[str]:
    """How often each event id of these entries is in the ledger."""
    return Counter(e["event_id"] for e in entries)


async def _page(audit: httpx.AsyncClient, after: int) -> list[Entry]:
    try:
        start = {"after": after} if after >= 0 else {}  # left out: from the first leaf
        response = await audit.get("/ledger/entries", params={**start, "limit": 1000})
    except httpx.TransportError:  # the audit service is restarting
        await asyncio.sleep(0.2)
        return []
    return response.json()["items"] if response.status_code == 200 else []
