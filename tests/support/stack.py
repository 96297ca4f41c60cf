"""Starts the real services as subprocesses, as `make run` does, on test ports."""

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared import registry
from tests.support.clock import ZONE
from tests.support.gateway_identity import as_staff

ROOT = Path(__file__).resolve().parents[2]
# RAPPORT_TEST_PORT_BASE moves every port, so two runs on one machine do not collide.
PORT_BASE = int(os.environ.get("RAPPORT_TEST_PORT_BASE", "18000"))
# The services' logs, a folder per port base: a test run empties its own as it starts
# (tests/conftest.py) and leaves alone a run going on beside it.
LOGS = ROOT / ".state" / "test-logs" / str(PORT_BASE)
# Each service on PORT_BASE + the last digit of its port in shared/registry.py.
SERVICE_PORTS = {e.name: PORT_BASE + e.port % 10 for e in registry.running()}
STAFF = as_staff("staff-e2e", "intake_worker")


@dataclass
class Stack:
    """Processes by instance: "intake" is the service on its port, "intake-2" a second
    instance of it 10 ports above. `env` is added to every process's environment (a private
    database, say) and `port_offset` moves the ports, so a second stack can run beside one."""

    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    port_offset: int = 0

    def port(self, instance: str) -> int:
        service, _, number = instance.partition("-")
        return SERVICE_PORTS[service] + self.port_offset + 10 * (int(number or 1) - 1)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}"

    def start(self, instance: str) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        service = instance.partition("-")[0]
        prefix = service.upper()
        env = {
            **os.environ,
            "TZ": ZONE,  # the services' "today" is London's, as the tests' (support/clock.py)
            **self.env,
            f"{prefix}_PORT": str(self.port(instance)),
            f"{prefix}_ENVIRONMENT": "test",
            f"{prefix}_LOG_FORMAT": "json",
            **self._witnessing(service),
        }
        log = open(self.log(instance), "ab")
        self.processes[instance] = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def _witnessing(self, service: str) -> dict[str, str]:
        """The audit service asks this stack's witness; a private ledger (a database of the
        test's own) gets a witness whose state lives beside it, not the shared witness's,
        which follows the machine's ledger."""
        if service == "audit":
            return {"AUDIT_WITNESS_URL": self.url("witness")}
        private = self.env.get("AUDIT_DATABASE_URL")
        if service == "witness" and private and "WITNESS_DATABASE_URL" not in self.env:
            return {"WITNESS_DATABASE_URL": private}
        return {}

    def log(self, instance: str) -> Path:
        return LOGS / f"{instance}-{self.port(instance)}.log"

    async def up(self, *services: str) -> None:
        """Start the services together, then wait until each is ready; an audit service
        with its witness (it cosigns every checkpoint: verifiers require it)."""
        if any(s.startswith("audit") for s in services) and "witness" not in self.processes:
            services = ("witness", *(s for s in services if s != "witness"))
        for service in services:
            self.start(service)
        for service in services:
            await self.wait_ready(service)

    async def wait_ready(self, service: str, seconds: float = 60) -> None:
        async with httpx.AsyncClient(base_url=self.url(service)) as client:
            for _ in range(int(seconds * 5)):
                if self.processes[service].poll() is not None:
                    raise RuntimeError(f"{service} exited; see {self.log(service)}")
                try:
                    if (await client.get("/health/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError(f"{service} not ready within {seconds}s")

    def stop(self, service: str) -> None:
        process = self.processes.pop(service)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self, service: str) -> None:
        """SIGKILL: no shutdown, as when the machine or the process dies."""
        process = self.processes.pop(service)
        process.kill()
        process.wait()

    def stop_all(self) -> None:
        for service in list(self.processes):
            self.stop(service)
