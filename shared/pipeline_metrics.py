"""The metrics of the outbox relays and the consumers, in prometheus_client's default registry.

States are gauges with one series per state, 1 for the current one, so an alert can say
`rapport_consumer_state{state="stopped"} == 1`."""

from prometheus_client import Counter, Gauge

# Defined once, with the metrics every service shares: lag, position and dead letters.
from shared.metrics import CONSUMER_DEAD_LETTERS, RELAY_LAG, RELAY_POSITION

__all__ = ["CONSUMER_DEAD_LETTERS", "RELAY_LAG", "RELAY_POSITION"]

CONSUMER_STATES = ("consuming", "retrying", "stopped")
RELAY_STATES = ("publishing", "standby", "broker_unreachable")

CONSUMER_PROCESSED = Counter(
    "rapport_consumer_processed",
    "Messages a consumer moved past: applied, or skipped as a repeat of an applied event.",
    ["consumer", "topic"],
)
CONSUMER_DUPLICATES = Counter(
    "rapport_consumer_duplicates",
    "Messages skipped because their event had been applied already (a redelivery).",
    ["consumer", "topic"],
)
CONSUMER_REUSED_IDS = Counter(
    "rapport_consumer_event_id_reused",
    "Events whose id arrived again with different bytes: an alarm for a person.",
    ["consumer", "topic"],
)
CONSUMER_RETRIES = Counter(
    "rapport_consumer_retries",
    "Failed attempts that are not the message's fault, retried after a backoff.",
    ["consumer"],
)
CONSUMER_STATE = Gauge(
    "rapport_consumer_state", "1 for the consumer's current state.", ["consumer", "state"]
)
RELAY_PUBLISHED = Counter(
    "rapport_relay_published", "Events the broker acknowledged from this relay.", ["topic"]
)
RELAY_STATE = Gauge("rapport_relay_state", "1 for the relay's current state.", ["topic", "state"])


def show_consumer_state(consumer: str, current: str) -> None:
    for state in CONSUMER_STATES:
        CONSUMER_STATE.labels(consumer, state).set(1 if state == current else 0)


def show_relay_state(topic: str, current: str) -> None:
    for state in RELAY_STATES:
        RELAY_STATE.labels(topic, state).set(1 if state == current else 0)
