"""Dead letters: messages a consumer could not apply because they are at fault themselves.

A dead letter is the original message (value, key, headers) on `<topic>.dlq`, with headers
saying which consumer gave up on it, why, and where it came from. Several consumers of one
topic share its dead-letter topic; `dlq.consumer` tells their letters apart.

After a fix, replay a consumer's dead letters through its own handler (shared/replay.py):

    python -m shared.dead_letters replay --consumer audit-ledger --topic intake.events.dlq \\
        --handler services.audit.ledger:append --service audit --actor <who> [--dry-run]

--service reads <SERVICE>_DATABASE_URL and <SERVICE>_KAFKA_BOOTSTRAP from the environment
(or give --database-url and --bootstrap). It prints a JSON summary and exits 1 when a letter
still fails; every replayed letter is recorded in the consumer's database (dead_letter_replays)
and logged, and a letter applied once is never applied again.
"""

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from shared.kafka import dead_letter_topic
from shared.poison import describe


@dataclass(frozen=True)
class Source:
    """Where a dead letter was first delivered."""

    topic: str
    partition: int
    offset: int


async def send(
    producer: AIOKafkaProducer, record: ConsumerRecord, consumer: str, error: BaseException
) -> None:
    headers = [
        *(record.headers or []),
        ("dlq.error", describe(error)[:2000].encode()),
        ("dlq.consumer", consumer.encode()),
        ("dlq.source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
    ]
    await producer.send_and_wait(
        dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
    )


def header(record: ConsumerRecord, name: str) -> str | None:
    for key, value in reversed(record.headers or ()):
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


def source_of(record: ConsumerRecord) -> Source:
    topic, partition, offset = (header(record, "dlq.source") or "").rsplit("/", 2)
    return Source(topic, int(partition), int(offset))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.dead_letters")
    commands = parser.add_subparsers(dest="command", required=True)
    replay = commands.add_parser("replay", help="apply a consumer's dead letters after a fix")
    replay.add_argument("--consumer", required=True, help="the consumer group, e.g. audit-ledger")
    replay.add_argument("--topic", required=True, help="the dead-letter topic, e.g. x.events.dlq")
    replay.add_argument("--handler", required=True, help="the consumer's handler, module:name")
    replay.add_argument("--actor", required=True, help="who replays, for the record")
    replay.add_argument("--service", help="read <SERVICE>_DATABASE_URL and _KAFKA_BOOTSTRAP")
    replay.add_argument("--database-url")
    replay.add_argument("--bootstrap")
    replay.add_argument("--dry-run", action="store_true", help="try each, keep nothing")
    args = parser.parse_args(argv)
    prefix = f"{args.service.upper()}_" if args.service else ""
    database_url = args.database_url or os.environ.get(f"{prefix}DATABASE_URL")
    if not database_url:
        parser.error("give --database-url, or --service with <SERVICE>_DATABASE_URL set")
    bootstrap = args.bootstrap or os.environ.get(f"{prefix}KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    from shared.replay import run_replay  # it imports the consumer, which imports this module

    return asyncio.run(run_replay(args, database_url, bootstrap, sys.stdout))


if __name__ == "__main__":
    sys.exit(main())
