"""The HTTP side of idempotency (services/intake/idempotency.py): a creating route runs its
command through `Once`, which answers a retry with the kept answer instead of running it
again. The key belongs to the caller: two staff may use the same key."""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Header, HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from services.intake import idempotency
from services.intake.errors import InvalidInput
from shared.actor import RequestMeta

KEY = r"^[\x21-\x7e]{1,128}$"  # printable ASCII: it is stored and compared byte for byte
WAIT_FOR_ANSWER = 3.0  # seconds a retry racing the first attempt waits for its answer


class Once:
    def __init__(self, pool: asyncpg.Pool, attempt: idempotency.Attempt | None):
        self.pool = pool
        self.attempt = attempt

    async def __call__(
        self, response: Response, status: int, work: Callable[[], Awaitable[Any]]
    ) -> Any:
        if self.attempt is None:
            return await work()
        if (found := await idempotency.find(self.pool, self.attempt)) is not None:
            return await self._replay(found)
        token = idempotency.CURRENT.set(self.attempt)
        try:
            result = await work()
        except asyncpg.UniqueViolationError as error:  # the same key, saved first by a twin
            if error.constraint_name != idempotency.PRIMARY_KEY:
                raise
            return await self._replay(await idempotency.find(self.pool, self.attempt))
        finally:
            idempotency.CURRENT.reset(token)
        body = json.dumps(jsonable_encoder(result))
        location = response.headers.get("location")
        await idempotency.keep_answer(self.pool, self.attempt, status, location, body)
        return result

    async def _replay(self, found: Any) -> JSONResponse:
        assert self.attempt is not None
        if found["fingerprint"] != self.attempt.fingerprint:
            raise InvalidInput("header.idempotency-key", "was used for another request")
        deadline = asyncio.get_running_loop().time() + WAIT_FOR_ANSWER
        while found["body"] is None and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
            found = await idempotency.find(self.pool, self.attempt)
        if found["body"] is None:
            detail = f"done once already (aggregate {found['aggregate_id']}); its answer is lost"
            raise HTTPException(409, detail)
        headers = {"Idempotent-Replayed": "true"}
        if found["location"]:
            headers["Location"] = found["location"]
        return JSONResponse(json.loads(found["body"]), found["status"], headers)


async def once(
    request: Request,
    meta: RequestMeta,
    idempotency_key: Annotated[str | None, Header(pattern=KEY)] = None,
) -> Once:
    pool = request.app.state.intake.store.pool if idempotency_key else None
    if idempotency_key is None:
        return Once(pool, None)
    what = request.method.encode() + b" " + request.url.path.encode() + b"\n"
    fingerprint = hashlib.sha256(what + await request.body()).hexdigest()
    return Once(pool, idempotency.Attempt(meta.actor.id, idempotency_key, fingerprint))


OnceOnly = Annotated[Once, Depends(once)]
