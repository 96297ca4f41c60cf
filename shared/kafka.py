"""Kafka names and set-up shared by relays and consumers."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    InvalidReplicationFactorError,
    KafkaError,
    TopicAlreadyExistsError,
    for_code,
)

from shared import registry

log = structlog.get_logger()

PARTITIONS = 3


class TopicPolicyError(ValueError):
    """Topics would be made with fewer copies than the environment allows."""


@dataclass(frozen=True)
class TopicPolicy:
    """How many copies of each topic's data the brokers keep, and how many must have a write
    before it is acknowledged (min.insync.replicas, with the producers' acks=all)."""

    replication_factor: int = 1
    min_insync_replicas: int = 1
    production: bool = False

    def check(self) -> None:
        if self.min_insync_replicas > self.replication_factor:
            raise TopicPolicyError(
                f"min.insync.replicas {self.min_insync_replicas} is more than the replication"
                f" factor {self.replication_factor}: no write could ever be acknowledged"
            )
        if self.production and (self.replication_factor < 3 or self.min_insync_replicas < 2):
            raise TopicPolicyError(
                "production refuses topics with fewer than 3 replicas and min.insync.replicas"
                f" 2 (given {self.replication_factor} and {self.min_insync_replicas}): one"
                " broker lost would lose acknowledged events"
            )

    def new_topic(self, name: str, partitions: int) -> NewTopic:
        self.check()
        return NewTopic(
            name,
            num_partitions=partitions,
            replication_factor=self.replication_factor,
            topic_configs={"min.insync.replicas": str(self.min_insync_replicas)},
        )


# What ensure_topics uses when not given a policy: the builder (shared/service.py) sets it
# from the service's settings at start, before any relay or consumer makes a topic.
_default_policy = TopicPolicy()


def use_topic_policy(policy: TopicPolicy) -> None:
    global _default_policy
    policy.check()
    _default_policy = policy


def topic_of(service: str) -> str:
    return f"{service}.events"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def all_service_topics() -> list[str]:
    return [topic_of(service) for service in registry.publishers()]


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


async def ensure_topics(
    bootstrap: str,
    topics: list[str],
    partitions: int = PARTITIONS,
    policy: TopicPolicy | None = None,
    unreachable: Callable[[BaseException], None] | None = None,
) -> None:
    """Create the topics that do not exist yet, replicated as the policy says (the process's
    default if none); retry while the broker is unreachable, telling `unreachable` (so a
    relay or consumer can say so in its health) at each failed try."""
    policy = policy or _default_policy
    policy.check()
    delay = 0.5
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if policy.production:
                _refuse_fewer_replicas(await admin.describe_topics(
                    [t for t in topics if t in existing]), policy)  # fmt: skip
            if missing:
                response = await admin.create_topics(
                    [policy.new_topic(t, partitions) for t in missing]
                )
                _raise_refusals(response.topic_errors, policy, bootstrap)
                log.info("kafka.topics_created", topics=missing,
                         replication_factor=policy.replication_factor,
                         min_insync_replicas=policy.min_insync_replicas)  # fmt: skip
            return
        except (KafkaError, OSError) as error:
            log.warning("kafka.unreachable", error=repr(error), retry_in=delay)
            if unreachable:
                unreachable(error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        finally:
            await admin.close()


def _raise_refusals(topic_errors: list[tuple], policy: TopicPolicy, bootstrap: str) -> None:
    """The broker answers per topic; a topic made meanwhile by another process is fine."""
    for topic, code, *message in topic_errors:
        error = for_code(code)
        if code == 0 or error is TopicAlreadyExistsError:
            continue
        if error is InvalidReplicationFactorError:
            raise TopicPolicyError(
                f"the brokers at {bootstrap} cannot hold {policy.replication_factor} replicas"
                f" of {topic}: fewer brokers than that ({message})"
            )
        raise error(f"creating topic {topic}: {message}")


def _refuse_fewer_replicas(described: list[dict], policy: TopicPolicy) -> None:
    """An existing topic with fewer copies than production needs (made by hand, or by a
    development set-up) would lose acknowledged events with one broker: refuse to use it."""
    for topic in described:
        copies = min((len(p["replicas"]) for p in topic["partitions"]), default=0)
        if topic["error_code"] == 0 and copies < policy.replication_factor:
            raise TopicPolicyError(
                f"topic {topic['topic']} has {copies} replicas; production needs"
                f" {policy.replication_factor}: reassign its partitions first"
            )
