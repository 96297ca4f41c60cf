"""Kafka names and set-up shared by relays and consumers."""

import asyncio

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

log = structlog.get_logger()

SERVICES_WITH_TOPICS = ("intake", "scheduling", "forms", "gateway")
PARTITIONS = 3


def topic_of(service: str) -> str:
    return f"{service}.events"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def all_service_topics() -> list[str]:
    return [topic_of(service) for service in SERVICES_WITH_TOPICS]


def reliable_producer(bootstrap: str, **overrides: object) -> AIOKafkaProducer:
    """Idempotent, acks=all: a publish is done only when the broker has it durably."""
    options: dict[str, object] = {
        "bootstrap_servers": bootstrap,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "request_timeout_ms": 10_000,
        "max_batch_size": 256 * 1024,
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


async def ensure_topics(bootstrap: str, topics: list[str], partitions: int = PARTITIONS) -> None:
    """Create the topics that do not exist yet; retry while the broker is unreachable."""
    delay = 0.5
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if missing:
                new = [
                    NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing
                ]
                await admin.create_topics(new)
                log.info("kafka.topics_created", topics=missing)
            return
        except TopicAlreadyExistsError:
            return
        except (KafkaError, OSError) as error:
            log.warning("kafka.unreachable", error=repr(error), retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        finally:
            await admin.close()
