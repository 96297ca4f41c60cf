"""A tailing reader in a process of its own, as a relay is: reads the event store's
notifications after the last one it saw until its stdin closes, then to the end, and prints
the notification ids it saw, in order, as JSON.

    python -m tests.support.tail_reader <database url> <schema>   (key in TAIL_CIPHER_KEY)
"""

import asyncio
import json
import os
import sys

from shared.mapping import build_mapper
from tests.support.stores import separate_stores


async def tail(url: str, schema: str) -> list[int]:
    loop = asyncio.get_running_loop()
    closed = loop.run_in_executor(None, sys.stdin.read)  # returns at EOF: the writers are done
    mapper = build_mapper(os.environ["TAIL_CIPHER_KEY"])
    seen: list[int] = []
    async with separate_stores(url, schema, mapper, 1) as (store,):
        print("ready", flush=True)
        position = 0
        while True:
            finished = closed.done()
            batch = await store.notifications(position, 50)
            seen.extend(n.id for n in batch)
            position = batch[-1].id if batch else position
            if finished and not batch:
                return seen


if __name__ == "__main__":
    print(json.dumps(asyncio.run(tail(sys.argv[1], sys.argv[2]))))
