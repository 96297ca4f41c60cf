"""The C2SP tlog-witness HTTP protocol: POST /add-checkpoint with the old size, the
consistency proof and the log's signed checkpoint; the answer is the cosignature line."""

import base64
import binascii

import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse

from services.witness.witness import (
    BadOldSize,
    NotSignedByLog,
    OldSizeConflict,
    UnknownLog,
    Witness,
    WitnessRefused,
)

router = APIRouter()
log = structlog.get_logger()
_STATUS = {UnknownLog: 404, NotSignedByLog: 403, BadOldSize: 400}


class MalformedRequest(ValueError):
    pass


def parse_request(body: str) -> tuple[int, list[bytes], str]:
    """`old <size>`, one base64 proof hash a line, a blank line, then the signed note."""
    head, sep, note = body.partition("\n\n")
    lines = head.split("\n")
    if not sep or not lines[0].startswith("old "):
        raise MalformedRequest("the body must start `old <size>`, then the proof, a blank line"
                               " and the signed checkpoint")  # fmt: skip
    try:
        old_size = int(lines[0].removeprefix("old "))
        proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
    except (ValueError, binascii.Error):
        raise MalformedRequest("the old size must be a number and each proof line base64") from None
    if old_size < 0 or any(len(h) != 32 for h in proof):
        raise MalformedRequest("the old size must be >= 0 and each proof hash 32 bytes")
    return old_size, proof, note


@router.post("/add-checkpoint", response_class=PlainTextResponse)
async def add_checkpoint(request: Request) -> PlainTextResponse:
    witness: Witness = request.app.state.witness
    try:
        old_size, proof, note = parse_request((await request.body()).decode())
        line = await witness.add_checkpoint(old_size, proof, note)
    except (MalformedRequest, UnicodeDecodeError) as error:
        return PlainTextResponse(f"{error}\n", status_code=400)
    except OldSizeConflict as conflict:
        return PlainTextResponse(f"{conflict.latest_size}\n", status_code=409,
                                 media_type="text/x.tlog.size")  # fmt: skip
    except WitnessRefused as refused:
        status = _STATUS.get(type(refused), 422)
        log.warning("witness.refused", status=status, reason=str(refused))
        return PlainTextResponse(f"{refused}\n", status_code=status)
    return PlainTextResponse(line)


@router.get("/public-key")
async def public_key(request: Request) -> dict[str, str]:
    """The witness's name and key, as verifiers are given them (--witness-key)."""
    witness: Witness = request.app.state.witness
    return {"name": witness.name, "verifier_key": witness.public.vkey(),
            "public_key": base64.b64encode(witness.public.public_key).decode()}  # fmt: skip


def app_for(witness: Witness) -> FastAPI:
    """The protocol alone over a witness, for a process of one's own (benchmarks, tests) that
    asks it in memory (httpx.ASGITransport) as the ledger asks the service."""
    app = FastAPI()
    app.include_router(router)
    app.state.witness = witness
    return app
