"""CPU seconds used by each part of the running system, read from /proc (Linux)."""

import os
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
