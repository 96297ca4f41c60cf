"""What the fault tests ask a Kafka cluster's administration: who holds which partitions,
which brokers lead and are in sync, a topic's settings, where its partitions end."""

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment


async def partitions_per_member(bootstrap: str, group: str, topic: str) -> list[int]:
    """How many partitions of `topic` each member of the consumer group holds now."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    held = []
    for response in responses:
        for described in response.groups:
            for member in described[5]:  # (member id, client id, host, metadata, assignment)
                if not member[4]:  # joined, not yet given partitions (a rebalance)
                    held.append(0)
                    continue
                assignment = ConsumerProtocolMemberAssignment.decode(member[4])
                held.append(sum(len(p) for t, p in assignment.assignment if t == topic))
    return held


async def topic_layout(bootstrap: str, topic: str) -> dict[int, tuple[int, list[int]]]:
    """Per partition of `topic`: its leader's node id and its in-sync replicas."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return {p["partition"]: (p["leader"], p["isr"]) for p in described["partitions"]}


async def topic_setting(bootstrap: str, topic: str, name: str) -> str | None:
    """The value a topic has for a setting (its own, or the broker's default)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    for response in responses:
        for resource in response.resources:
            for entry in resource[4]:  # (name, value, read only, source, sensitive, ...)
                if entry[0] == name:
                    return entry[1]
    return None


async def end_offsets(bootstrap: str, topics: list[str]) -> dict[tuple[str, int], int]:
    """Where each partition of those of `topics` that exist ends now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        present = set(topics) & await consumer.topics()
        partitions = [
            TopicPartition(topic, partition)
            for topic in present
            for partition in await topic_layout(bootstrap, topic)
        ]
        ends = await consumer.end_offsets(partitions) if partitions else {}
    finally:
        await consumer.stop()
    return {(tp.topic, tp.partition): offset for tp, offset in ends.items()}
