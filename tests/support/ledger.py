"""What a test's own events look like in the audit ledger, read from a checkpoint issued
when the test began (never the whole ledger from its start): the entries of its cases, how
reconciliation accounts for its messages, and a whole-ledger bundle that the offline
verifier proves consistent with that checkpoint."""

import asyncio
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiokafka import ConsumerRecord

from tests.support.stack import ROOT

Entry = dict[str, Any]


@dataclass
class LedgerMark:
    """A checkpoint issued when the test began: its entries come after its tree size."""

    url: str
    checkpoint: dict[str, Any]

    @classmethod
    async def now(cls, url: str) -> "LedgerMark":
        async with httpx.AsyncClient(base_url=url) as audit:
            response = await audit.post("/checkpoints")
        assert response.status_code == 201, response.text
        return cls(url, response.json())

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
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as audit:
            while True:
                page = await _page(audit, after)
                found += [e for e in page if e["case_id"] in case_ids]
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
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as audit:
            while page := await _page(audit, after):
                found += [e for e in page if e["case_id"] in case_ids]
                after = page[-1]["leaf_index"]
        return found

    async def unreconciled(self, records: list[ConsumerRecord], entries: list[Entry]) -> list[str]:
        """Reconciliation run now, as it concerns only these messages and entries: each
        message accounted for (in the ledger, a known duplicate or dead-lettered), and no
        entry of these an orphan. Problems of other traffic are not ours to fail on."""
        async with httpx.AsyncClient(base_url=self.url, timeout=120) as audit:
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

    def verify_whole_ledger(self, folder: Path) -> dict[str, Any]:
        """Export the whole ledger with the auditor's CLI, from the mark's checkpoint to one
        issued now, and verify it offline with the served key: every leaf rebuilds every
        signed root, and each checkpoint extends the mark's. The bundle's head and the
        verifier's verdict."""
        bundle, key = folder / "ledger.json", folder / "ledger.pub"
        key.write_text(_cli("public-key", "--url", self.url).stdout)
        since = str(self.checkpoint["id"])
        exported = _cli(
            "export", "--ledger", "--since", since, "--url", self.url, "-o", str(bundle)
        )
        assert exported.returncode == 0, exported.stderr
        verified = _cli("verify", str(bundle), "--public-key", str(key))
        head = json.loads(bundle.read_text())
        return {"checkpoints": [c["id"] for c in head["checkpoints"]],
                "entries": len(head["entries"]), "verdict": verified.stdout.strip(),
                "exit": verified.returncode}  # fmt: skip


def once_each(entries: list[Entry]) -> Counter[str]:
    """How often each event id of these entries is in the ledger."""
    return Counter(e["event_id"] for e in entries)


async def _page(audit: httpx.AsyncClient, after: int) -> list[Entry]:
    try:
        response = await audit.get("/ledger/entries", params={"after": after, "limit": 1000})
    except httpx.TransportError:  # the audit service is restarting
        await asyncio.sleep(0.2)
        return []
    return response.json()["entries"] if response.status_code == 200 else []


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.audit.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
