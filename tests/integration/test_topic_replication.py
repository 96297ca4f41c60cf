"""Topics are made on the real broker as the settings say, and a cluster too small for the
replicas production needs is refused with a clear error, not retried for ever."""

import asyncio

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.kafka import TopicPolicy, TopicPolicyError, ensure_topics
from tests.conftest import unique_topic


async def topic_config(kafka: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        resource = ConfigResource(ConfigResourceType.TOPIC, topic)
        (response,) = await admin.describe_configs([resource])
        entries = response.to_object()["resources"][0]["config_entries"]
        return {e["config_names"]: e["config_value"] for e in entries}
    finally:
        await admin.close()


async def test_a_topic_is_made_with_the_replicas_in_sync_its_policy_gives(kafka):
    topic = unique_topic()
    await ensure_topics(kafka, [topic], partitions=1, policy=TopicPolicy(1, 1))
    assert (await topic_config(kafka, topic))["min.insync.replicas"] == "1"


async def test_more_replicas_than_the_cluster_has_brokers_is_refused_at_once(kafka):
    topic = unique_topic()
    with pytest.raises(TopicPolicyError, match="cannot hold 3 replicas"):
        await asyncio.wait_for(
            ensure_topics(kafka, [topic], partitions=1, policy=TopicPolicy(3, 2, True)), 20
        )


async def test_production_refuses_an_existing_topic_with_fewer_replicas(kafka):
    topic = unique_topic()
    await ensure_topics(kafka, [topic], partitions=1, policy=TopicPolicy(1, 1))
    with pytest.raises(TopicPolicyError, match=f"topic {topic} has 1 replicas"):
        await asyncio.wait_for(
            ensure_topics(kafka, [topic], partitions=1, policy=TopicPolicy(3, 2, True)), 20
        )
