"""Private servers for the fault tests that restart or kill infrastructure: a PostgreSQL
cluster and a three-broker Kafka cluster of their own, started by the deploy scripts (as CI
does), on ports derived from RAPPORT_TEST_PORT_BASE, never the shared 5432 and 9092."""

import os
import subprocess
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tests.support.stack import PORT_BASE, Stack

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
POSTGRES_NAME = f"rapportfault-{PORT_BASE}"
POSTGRES_PORT = PORT_BASE + 32
KAFKA_PORT = PORT_BASE + 92  # nodes on +92..+94, their controllers on +95..+97
BROKERS = (1, 2, 3)
# The stacks of these tests sit 20 ports above the e2e stack, which may be up in the session.
PORT_OFFSET = 20


def deploy(script: str, *args: str, timeout: float = 240) -> str:
    done = subprocess.run(
        ["bash", str(DEPLOY / script), *args],
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
        env={**os.environ, "KAFKA_CLUSTER_PORT": str(KAFKA_PORT)},
    )
    return done.stdout.strip()


def postgres(action: str, *args: str) -> str:
    return deploy("postgres_private.sh", action, POSTGRES_NAME, str(POSTGRES_PORT), *args)


def kafka_cluster(action: str, *nodes: int) -> str:
    return deploy("kafka_cluster.sh", action, *map(str, nodes))


def bootstrap() -> str:
    return ",".join(f"127.0.0.1:{KAFKA_PORT + n - 1}" for n in BROKERS)


@dataclass
class PrivateDatabases:
    admin_url: str
    names: dict[str, str]  # service -> its database for this test

    def url(self, service: str) -> str:
        return self.admin_url.replace("/postgres?", f"/{self.names[service]}?")


@asynccontextmanager
async def fresh_databases(admin_url: str, *services: str):
    """A new database per service on the private cluster, dropped afterwards."""
    suffix = uuid.uuid4().hex[:10]
    names = {service: f"{service}_{suffix}" for service in services}
    admin = await asyncpg.connect(admin_url)
    try:
        for name in names.values():
            await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    try:
        yield PrivateDatabases(admin_url, names)
    finally:
        admin = await asyncpg.connect(admin_url)  # the test may have restarted the server
        try:
            for name in names.values():
                await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()


def private_stack(databases: PrivateDatabases, kafka: str) -> Stack:
    env: dict[str, str] = {}
    for service in databases.names:
        prefix = service.upper()
        env[f"{prefix}_DATABASE_URL"] = databases.url(service)
        env[f"{prefix}_KAFKA_BOOTSTRAP"] = kafka
        # As production has them: the services make their topics so.
        env[f"{prefix}_TOPIC_REPLICATION_FACTOR"] = "3"
        env[f"{prefix}_TOPIC_MIN_INSYNC_REPLICAS"] = "2"
    return Stack(env=env, port_offset=PORT_OFFSET)
