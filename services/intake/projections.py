"""What intake writes in each save's transaction beside the events: the case index (ids,
codes, dates for the waiting list and caseloads), the search index (blind digests) and the
idempotency key of the command, if it came with one."""

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.intake import idempotency, readmodel
from services.intake.search import SearchIndex

# One per process: its key is set from the settings when the service starts (__main__.py).
SEARCH = SearchIndex()


async def project(conn: asyncpg.Connection, aggregates: Sequence[Any]) -> None:
    await readmodel.project(conn, aggregates)
    await SEARCH.project(conn, aggregates)
    await idempotency.project(conn, aggregates)
