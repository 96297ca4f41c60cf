"""What a test's own events look like on Kafka: each event id once on its topic (or a named
reason why not), and none of them on a dead-letter topic. Counts only the cases the test
created, read from where the topics ended when it began, so foreign traffic does not count.
"""

import json
from collections import Counter
from dataclasses import dataclass

from aiokafka import ConsumerRecord

from shared.kafka import dead_letter_topic
from tests.support.topics import end_offsets, read_since


@dataclass
class TopicMark:
    """Where a topic and its dead-letter topic ended when a test began."""

    bootstrap: str
    topic: str
    start: dict[int, int]
    dead_letter_start: dict[int, int]

    @classmethod
    async def now(cls, bootstrap: str, topic: str) -> "TopicMark":
        letters = await end_offsets(bootstrap, dead_letter_topic(topic))
        return cls(bootstrap, topic, await end_offsets(bootstrap, topic), letters)

    async def messages_of(
        self, case_ids: set[str], per_case: int = 1, seconds: float = 60
    ) -> list[ConsumerRecord]:
        """Every message of these cases since the mark (keyed by case id), once each case
        has `per_case` of them, read to the topic's end at that moment."""
        keys = {c.encode() for c in case_ids}

        def all_arrived(records: list[ConsumerRecord]) -> bool:
            counts = Counter(r.key for r in records if r.key in keys)
            return all(counts[k] >= per_case for k in keys)

        records = await read_since(self.bootstrap, self.topic, self.start, all_arrived, seconds)
        return [r for r in records if r.key in keys]

    async def dead_letters(self) -> list[ConsumerRecord]:
        """Every dead letter since the mark, whoever's."""
        try:
            return await read_since(
                self.bootstrap, dead_letter_topic(self.topic), self.dead_letter_start,
                lambda _: True,
            )  # fmt: skip
        except LookupError:  # the dead-letter topic was never made: nothing was dead-lettered
            return []

    async def dead_letters_of(self, case_ids: set[str], event_ids: set[str]) -> list[str]:
        """Dead letters since the mark that name one of these cases or events anywhere
        (key, value, headers): each as `offset: first bytes`."""
        records = await self.dead_letters()
        ours = case_ids | event_ids
        return [
            f"{r.offset}: {r.value[:120]!r}" for r in records if any(i in text_of(r) for i in ours)
        ]


def event_ids_of(records: list[ConsumerRecord]) -> Counter[str]:
    """How often each event id is on the wire, from the envelopes' own field."""
    return Counter(json.loads(r.value)["event_id"] for r in records)


def text_of(record: ConsumerRecord) -> str:
    """Everything a message carries: key, headers and value (raw and JSON-unescaped)."""
    headers = " ".join(f"{k}={v.decode(errors='replace')}" for k, v in record.headers)
    value = record.value.decode(errors="replace")
    try:
        value += " " + json.dumps(json.loads(value), ensure_ascii=False)
    except ValueError:
        pass  # a dead letter need not be JSON
    return " ".join([(record.key or b"").decode(errors="replace"), headers, value])
