"""The metrics every service shares, through prometheus_client's default registry.

Metric objects live at module level (a service's own ones in its own module, such as
services/audit/metrics.py), named `rapport_...`; counters are Counters. A value that needs an
async query at scrape time (the relay's lag) is set by a `Refresh` callback, which the
builder (shared/service.py) runs before it renders /metrics.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    disable_created_metrics,
    generate_latest,
)

__all__ = ["CONTENT_TYPE_LATEST", "Refresh", "render"]

Refresh = Callable[[], Awaitable[None]]
disable_created_metrics()  # no `_created` series beside each counter: noise on our dashboards

RELAY_LAG = Gauge(
    "rapport_relay_lag_events", "Events stored but not yet acknowledged by Kafka.", ["topic"]
)
RELAY_POSITION = Gauge(
    "rapport_relay_position", "The last notification id the broker acknowledged.", ["topic"]
)
CONSUMER_DEAD_LETTERS = Counter(
    "rapport_consumer_dead_letters", "Messages a consumer sent to a dead-letter topic.",
    ["consumer"],
)  # fmt: skip
DATABASE_REACHABLE = Gauge(
    "rapport_database_reachable", "1 when the service's database answered at the last check."
)
COMPONENT_OK = Gauge(
    "rapport_component_ok",
    "1 when a background component (relay, consumer, ...) works, 0 while it is degraded.",
    ["component"],
)
COMPONENT_STATE = Gauge(
    "rapport_component_state",
    "1 for the state a background component is in (publishing, standby, broker_unreachable,"
    " consuming, retrying, stopped, running, restarting).",
    ["component", "state"],
)


def render() -> bytes:
    return generate_latest(REGISTRY)


def record_health(components: dict[str, dict[str, Any]], database: bool) -> None:
    DATABASE_REACHABLE.set(1 if database else 0)
    COMPONENT_STATE.clear()  # only the current state of each is 1
    for name, health in components.items():
        COMPONENT_OK.labels(name).set(1 if health.get("ok") else 0)
        COMPONENT_STATE.labels(name, str(health.get("state", "unknown"))).set(1)
