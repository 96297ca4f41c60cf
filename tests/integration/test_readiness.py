"""Readiness means "can serve commands now", on the real PostgreSQL reached through a proxy
this test can cut, as a database restart does: not ready while the database is gone, ready
again the moment it is back even though background work failed meanwhile (no sticky window),
and that work named in the body only while it waits to restart."""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from services.audit.settings import AuditSettings
from shared.service import Context, Service


class CuttableProxy:
    """TCP to PostgreSQL that can drop every connection and refuse new ones, then recover."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.up = True
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        self.writers |= {writer, upstream_writer}
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.close()

    def cut(self) -> None:
        self.up = False
        for writer in self.writers:
            writer.close()
        self.writers.clear()

    async def close(self) -> None:
        self.cut()
        self.server.close()


async def poll_the_database(ctx: Context) -> None:
    """Background work that fails when the database goes, as a relay or a consumer does."""

    async def work() -> None:
        while True:
            await ctx.pool.fetchval("SELECT 1")
            await asyncio.sleep(0.05)

    ctx.run("poller", work)


@pytest.fixture
async def service() -> AsyncIterator[tuple[httpx.AsyncClient, CuttableProxy]]:
    url = urlsplit(os.environ["AUDIT_DATABASE_URL"])
    proxy = CuttableProxy(url.hostname or "127.0.0.1", url.port or 5432)
    port = await proxy.start()
    netloc = url.netloc.rsplit("@", 1)[0] + f"@127.0.0.1:{port}"
    settings = AuditSettings(
        database_url=urlunsplit(url._replace(netloc=netloc)), environment="test"
    )
    app = Service(name="audit", settings=AuditSettings, setup=poll_the_database).app(settings)
    async with app.router.lifespan_context(app):
        app.state.runtime.restart_delays = (0.5,)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            yield client, proxy
    await proxy.close()


async def ready(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/health/ready")


async def test_not_ready_while_the_database_is_gone_and_ready_the_moment_it_is_back(service):
    client, proxy = service
    assert (await ready(client)).status_code == 200

    proxy.cut()
    await asyncio.sleep(0.3)  # the poller meets the cut and fails
    gone = await ready(client)
    assert gone.status_code == 503
    assert gone.json()["checks"]["database"] is False
    assert "poller" in gone.json()["degraded"]

    proxy.up = True
    back = await ready(client)
    assert back.status_code == 200, back.json()
    await asyncio.sleep(1.0)  # the poller's restart delay has passed
    settled = (await ready(client)).json()
    assert settled["degraded"] == []
    assert settled["components"]["poller"]["restarts"] >= 1
