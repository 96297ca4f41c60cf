"""What intake writes in each save's transaction beside the events: the case index (ids,
codes, dates for the waiting list and caseloads) and the search index (blind digests)."""

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.intake import readmodel
from services.intake.search import SearchIndex

# One per process: its key is set from the settings when the service starts (__main__.py).
SEARCH = SearchIndex()


async def project(conn: asyncpg.Connection, aggregates: Sequence[Any]) -> None:
    await readmodel.project(conn, aggregates)
    await SEARCH.project(conn, aggregates)
