"""CPU seconds used by each part of the running system, read from /proc (Linux)."""

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def pids_of(pattern: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if pattern in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class CpuMeter:
    """CPU used between start() and stop() by named groups of processes."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups = groups

    def _read(self) -> dict[str, float]:
        totals = {}
        for name, pids in self.groups.items():
            totals[name] = sum(_safe(cpu_seconds, pid) for pid in pids)
        return totals

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict[str, float]:
        after = self._read()
        return {name: after[name] - self.before[name] for name in self.groups}


def _safe(read, pid: int) -> float:
    try:
        return read(pid)
    except OSError:  # the process ended
        return 0.0


async def quiet(pids: list[int], most: float = 300) -> float:
    """Waits until these processes are idle (the ledger has taken every event a run made,
    say), so what is measured next is its own: under 10% of a core over 3 s. Returns the
    seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < most:
        before = sum(_safe(cpu_seconds, pid) for pid in pids)
        await asyncio.sleep(3)
        if sum(_safe(cpu_seconds, pid) for pid in pids) - before < 0.3:
            break
    return time.perf_counter() - started


def _set_cpus(pids: list[int], cpus: set[int]) -> None:
    for pid in pids:  # every thread: a process's affinity is its threads'
        for task in _safe_tasks(pid):
            try:
                os.sched_setaffinity(task, cpus)
            except OSError:  # the thread ended
                continue


def _safe_tasks(pid: int) -> list[int]:
    try:
        return [int(task) for task in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


@contextmanager
def apart(front: list[int], back: Callable[[], list[int]]) -> Iterator[None]:
    """Runs the `front` processes on the machine's last CPU and the `back` ones on the others,
    as if each part had a machine of its own (a gateway on its own host, say); all CPUs again
    after. `back` is asked again at the end for the processes started meanwhile (PostgreSQL
    starts one per connection, from its pinned postmaster)."""
    cpus = os.sched_getaffinity(0)
    last = max(cpus)
    _set_cpus(back(), cpus - {last})
    _set_cpus(front, {last})
    try:
        yield
    finally:
        _set_cpus(back() + front, cpus)
