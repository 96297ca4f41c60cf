"""`make run` as a person runs it (on ports moved away from a developer's own `make run`):
a service killed with SIGKILL is restarted by itself within seconds, the others keep
answering, and the run's output says which service died and that it was restarted."""

import asyncio
import os
import re
import signal
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shared import registry
from tests.fault.load import Load
from tests.support.stack import LOGS, PORT_BASE, ROOT

# deploy/run.sh puts each service on RAPPORT_PORT_BASE + the last digit of its usual port.
RUN_PORT_BASE = PORT_BASE + 40
SERVICES = {entry.name: RUN_PORT_BASE + entry.port % 10 for entry in registry.running()}
DIED = re.compile(r"\baudit\b.*\b(died|exited|killed|crashed|signal)", re.IGNORECASE)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
RESTARTED = re.compile(r"\baudit\b.*\brestart", re.IGNORECASE)


@dataclass
class MakeRun:
    process: subprocess.Popen
    output: Path

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{SERVICES[service]}"

    def pids_of(self, service: str) -> list[int]:
        """The processes of `service` that this run started (its descendants only)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(parent, []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"services.{service}".encode() in cmdline:
                found.append(pid)
        return found

    def text(self) -> str:
        return ANSI.sub("", self.output.read_text(errors="replace"))


async def answering(url: str, seconds: float) -> bool:
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(int(seconds * 5)):
            try:
                if (await client.get("/health/ready")).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    return False


def start_make_run() -> MakeRun:
    LOGS.mkdir(parents=True, exist_ok=True)
    output = LOGS / f"make-run-{PORT_BASE}.log"
    env = {**os.environ, "RAPPORT_PORT_BASE": str(RUN_PORT_BASE)}
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            ["make", "run"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so all of it stops at the end
        )  # fmt: skip
    return MakeRun(process, output)


async def all_answer(urls: list[str], seconds: float) -> bool:
    """Whether every url answers /health/live, five times a second for `seconds`."""
    async with httpx.AsyncClient() as client:
        for _ in range(int(seconds * 5)):
            for url in urls:
                try:
                    if (await client.get(f"{url}/health/live")).status_code != 200:
                        return False
                except httpx.TransportError:
                    return False
            await asyncio.sleep(0.2)
    return True


@pytest.fixture
async def make_run() -> AsyncIterator[MakeRun]:
    run = start_make_run()
    process = run.process
    try:
        for service in SERVICES:
            assert await answering(run.url(service), 180), f"{service} up:\n{run.text()[-3000:]}"
        yield run
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a person stops it
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def test_make_run_restarts_a_killed_service_by_itself_while_the_others_keep_answering(
    make_run: MakeRun,
):
    (audit_pid,) = make_run.pids_of("audit")
    load = Load([make_run.url("intake")], workers=2).start()
    try:
        await load.wait_acknowledged(20)
        output_before = len(make_run.text())
        os.kill(audit_pid, signal.SIGKILL)
        others = [make_run.url(s) for s in SERVICES if s != "audit"]
        watch = asyncio.create_task(all_answer(others, seconds=10))
        came_back = await answering(make_run.url("audit"), seconds=15)
        await load.wait_acknowledged(len(load.acknowledged) + 20)
        others_answered = await watch
    finally:
        await load.stop()

    assert came_back, "audit answered again within seconds"
    assert make_run.pids_of("audit") not in ([], [audit_pid]), "a new audit process"
    assert make_run.process.poll() is None, "make run is still running"
    assert set(load.statuses) == {201} and not load.errors, "intake kept taking commands"
    assert others_answered, "every other service answered throughout"
    said = make_run.text()[output_before:]
    assert DIED.search(said), f"the output names the service that died:\n{said[-2000:]}"
    assert RESTARTED.search(said), f"the output says it was restarted:\n{said[-2000:]}"
