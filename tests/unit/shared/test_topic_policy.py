"""Topics are replicated as the environment needs: one copy on a development machine's single
broker, three with two in sync in production, which refuses fewer."""

import pytest
from pydantic import ValidationError

from shared.kafka import TopicPolicy, TopicPolicyError
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    port: int = 0


def settings(**values: object) -> Settings:
    return Settings(database_url="postgresql://unused/demo", **values)  # type: ignore[arg-type]


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_make_topics_with_one_replica(environment):
    policy = settings(environment=environment).topic_policy()
    assert (policy.replication_factor, policy.min_insync_replicas) == (1, 1)


def test_production_makes_topics_with_three_replicas_two_in_sync():
    policy = settings(environment="production").topic_policy()
    topic = policy.new_topic("intake.events", partitions=3)
    assert topic.replication_factor == 3
    assert topic.topic_configs == {"min.insync.replicas": "2"}


@pytest.mark.parametrize(("factor", "in_sync"), [(1, 1), (2, 2), (3, 1)])
def test_production_refuses_to_start_with_fewer_replicas(factor, in_sync):
    with pytest.raises(ValidationError, match="production refuses topics with fewer than 3"):
        settings(
            environment="production",
            topic_replication_factor=factor,
            topic_min_insync_replicas=in_sync,
        )


def test_production_refuses_to_make_a_topic_with_fewer_replicas():
    with pytest.raises(TopicPolicyError, match="production refuses"):
        TopicPolicy(replication_factor=1, min_insync_replicas=1, production=True).new_topic(
            "intake.events", partitions=3
        )


def test_more_replicas_in_sync_than_exist_is_refused_in_any_environment():
    with pytest.raises(ValidationError, match="no write could ever be acknowledged"):
        settings(environment="development", topic_replication_factor=1,
                 topic_min_insync_replicas=2)  # fmt: skip
