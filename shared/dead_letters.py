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
import importlib
import json
import os
import sys
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from shared.kafka import dead_letter_topic
from shared.logging import configure_logging
from shared.poison import describe

log = structlog.get_logger()


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


async def read_letters(bootstrap: str, topic: str) -> list[ConsumerRecord]:
    """Every message on the topic up to its end as of now, partition by partition."""
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await probe.start()
    try:
        if topic not in await probe.topics():
            raise LookupError(f"there is no topic {topic}")
    finally:
        await probe.stop()
    reader = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()  # subscribed, so the topic's metadata is loaded
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
        reader.unsubscribe()
        reader.assign(partitions)
        ends, starts = (
            await reader.end_offsets(partitions),
            await reader.beginning_offsets(partitions),
        )
        records: list[ConsumerRecord] = []
        for tp in partitions:
            reader.seek(tp, starts[tp])
            while await reader.position(tp) < ends[tp]:
                batch = await reader.getmany(tp, timeout_ms=1000)
                records += [r for r in batch.get(tp, []) if r.offset < ends[tp]]
        return records
    finally:
        await reader.stop()


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
    return asyncio.run(_replay(args, database_url, bootstrap))


async def _replay(args: argparse.Namespace, database_url: str, bootstrap: str) -> int:
    from shared.replay import replay  # which imports this module

    configure_logging(os.environ.get("RAPPORT_LOG_FORMAT", "json"))
    module, _, name = args.handler.partition(":")
    handle = getattr(importlib.import_module(module), name)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        summary = await replay(pool, bootstrap, args.consumer, args.topic, handle,
                               args.actor, args.dry_run)  # fmt: skip
    except LookupError as missing:
        log.error("dead_letters.replay_refused", error=str(missing))
        return 2
    finally:
        await pool.close()
    sys.stdout.write(json.dumps(summary) + "\n")  # the summary, for the operator or a script
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
