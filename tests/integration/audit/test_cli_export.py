"""The auditor's whole-ledger export over HTTP: page by page, with a progress bar, into a
bundle the offline verifier accepts."""

import asyncio
import io
import json
from contextlib import asynccontextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from services.audit import cli
from services.audit.__main__ import routes
from services.audit.verifier import describe, verify_bundle
from tests.integration.audit.helpers import WITNESS, append, new_application
from tests.support.ledger_data import some_events


@asynccontextmanager
async def serving(app: FastAPI):
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def test_whole_ledger_export_streams_pages_with_progress_and_verifies(audit_pool, capsys):
    audit = new_application(audit_pool)
    await append(audit_pool, some_events(40))
    await audit.issue_checkpoint()
    await append(audit_pool, some_events(2500))
    await audit.issue_checkpoint()
    app = routes(FastAPI())
    app.state.audit = audit
    out = io.StringIO()

    async with serving(app) as url:
        with httpx.Client(base_url=url) as client:
            written = await asyncio.to_thread(cli.export_ledger, client, {}, out)

    public_key = audit.signer.public_key
    report = verify_bundle(json.loads(out.getvalue()), public_key, witness=WITNESS)
    assert written == 2540 and report.valid, describe(report)
    assert report.checkpoints == 2
    progress = capsys.readouterr().err
    assert "exporting [" in progress and "100% 2,540/2,540" in progress
