"""Indexing the cases and enquiries saved before the search index existed, in the
background (a first start over a large store takes a while; new saves are indexed in their
own transaction meanwhile). Batches of ids, each aggregate read (decrypted) once."""

from uuid import UUID

import structlog
from eventsourcing.utils import get_topic

from services.intake.data_requests import DataSubjectRequest
from services.intake.domain import Case
from services.intake.enquiry import Enquiry
from services.intake.search import SearchIndex
from shared.eventstore import EventStore

log = structlog.get_logger()
BATCH = 500

MISSING = """
SELECT s.originator_id FROM stored_events s
WHERE s.topic = ANY($1::text[]) AND s.originator_version = 1
  AND NOT EXISTS (SELECT 1 FROM intake_search_index i WHERE i.aggregate_id = s.originator_id)
  AND NOT s.originator_id = ANY($3::uuid[])
LIMIT $2
"""


async def backfill(store: EventStore, index: SearchIndex) -> None:
    topics = [
        get_topic(Case.ReferralReceived),
        get_topic(Enquiry.EnquiryReceived),  # type: ignore[attr-defined]
        get_topic(DataSubjectRequest.DataSubjectRequestReceived),  # type: ignore[attr-defined]
    ]
    indexed, unreadable = 0, set[UUID]()
    while ids := [r[0] for r in await store.pool.fetch(MISSING, topics, BATCH, list(unreadable))]:
        aggregates = []
        for aggregate_id in ids:
            try:
                aggregates.append(await store.get(aggregate_id))
            except ValueError as error:  # not decryptable with this key: say so, go on
                log.error("intake.search_index_unreadable", id=str(aggregate_id), error=repr(error))
                unreadable.add(aggregate_id)
        async with store.pool.acquire() as conn, conn.transaction():
            await index.project(conn, aggregates)
        indexed += len(aggregates)
    log.info("intake.search_index_caught_up", indexed=indexed, unreadable=len(unreadable))
