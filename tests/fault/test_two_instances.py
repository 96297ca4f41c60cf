"""Two instances of intake and of audit at once, commands spread over both; one of each
killed mid-load and started again: every acknowledged command reaches the ledger exactly
once, and at any moment one intake relay publishes."""

import asyncio

from tests.fault.kafka_admin import partitions_per_member
from tests.fault.load import Load
from tests.fault.observe import RelayWatch, ledger_counts
from tests.support.stack import Stack

AUDIT_GROUP = "audit-ledger"


async def wait_for_publisher(watch: RelayWatch, seconds: float = 30) -> str:
    """The url of the one instance whose relay says it publishes."""
    for _ in range(int(seconds * 10)):
        publishing = [url for url, state in watch.last().items() if state == "publishing"]
        if len(publishing) == 1:
            return publishing[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no single relay publishing within {seconds}s: {watch.last()}")


async def both_audits_hold_partitions(bootstrap: str, seconds: float = 30) -> bool:
    """Whether (after any rebalance) two members of the ledger's group hold partitions of
    the topic the load goes to, so that the one killed was busy."""
    for _ in range(int(seconds * 2)):
        held = await partitions_per_member(bootstrap, AUDIT_GROUP, "intake.events")
        if sum(1 for partitions in held if partitions) >= 2:
            return True
        await asyncio.sleep(0.5)
    return False


async def test_one_intake_and_one_audit_killed_among_two_each_every_acknowledged_referral_is_in_the_ledger_once(  # noqa: E501
    isolated: Stack, private_kafka: str
):
    stack = isolated
    await stack.up("intake", "intake-2", "audit", "audit-2")
    intakes = {stack.url(name): name for name in ("intake", "intake-2")}
    watch = RelayWatch(list(intakes)).start()
    load = Load(list(intakes)).start()
    try:
        for url in intakes:
            await load.wait_acknowledged(40, url=url)
        publisher = await wait_for_publisher(watch)
        audits_busy = await both_audits_hold_partitions(private_kafka)
        acknowledged_before_kill = len(load.acknowledged)
        idle_before_kill = asyncio.get_running_loop().time() - load.last_ack[publisher]
        stack.kill(intakes[publisher])  # the publishing relay dies with it
        stack.kill("audit")
        await asyncio.sleep(2)
        stack.start(intakes[publisher])
        stack.start("audit")
        await stack.wait_ready(intakes[publisher])
        await stack.wait_ready("audit")
        await load.wait_acknowledged(len(load.acknowledged) + 20, url=publisher)
    finally:
        await load.stop()
        await watch.stop()

    assert audits_busy, "each audit held partitions of the loaded topic when one was killed"
    assert idle_before_kill < 1.0, "the killed intake was taking commands"
    assert acknowledged_before_kill >= 80
    counts = await ledger_counts(stack.url("audit-2"), set(load.acknowledged))
    assert set(counts.values()) == {1}
    assert watch.most_publishing_at_once() == 1
    assert watch.longest_without_publisher() < 15, "a standby took over within seconds"
    assert list(watch.last().values()).count("publishing") == 1
