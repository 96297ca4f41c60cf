"""An outbox relay in a process of its own, as a service runs it, so that a test can kill it
with a real SIGKILL while it publishes.

    python -m tests.support.relay_process <database url> <schema> <topic> <bootstrap> <batch>
    (the store's cipher key in RELAY_CIPHER_KEY)
"""

import asyncio
import os
import sys

from shared.mapping import build_mapper
from shared.relay import OutboxRelay
from tests.support.aggregates import SERVICE
from tests.support.stores import separate_stores


async def relay(url: str, schema: str, topic: str, bootstrap: str, batch: int) -> None:
    mapper = build_mapper(os.environ["RELAY_CIPHER_KEY"])
    async with separate_stores(url, schema, mapper, 1) as (store,):
        await OutboxRelay(SERVICE, store, bootstrap, batch_size=batch, topic=topic).run()


if __name__ == "__main__":
    url, schema, topic, bootstrap, batch = sys.argv[1:]
    asyncio.run(relay(url, schema, topic, bootstrap, int(batch)))
