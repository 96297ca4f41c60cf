"""Metrics in the Prometheus text format, and the ones every service with a relay reports."""

from shared.relay import OutboxRelay

Sample = tuple[str, dict[str, str], float]

RELAY_HELP = {
    "rapport_relay_lag_events": "Events stored but not yet acknowledged by Kafka.",
    "rapport_relay_position": "The last notification id the broker acknowledged.",
}


def render(samples: list[Sample], help_texts: dict[str, str]) -> str:
    lines, described = [], set()
    for name, labels, value in samples:
        if name not in described and name in help_texts:
            lines += [f"# HELP {name} {help_texts[name]}", f"# TYPE {name} gauge"]
            described.add(name)
        shown = ",".join(f'{k}="{v}"' for k, v in labels.items())
        lines.append(f"{name}{{{shown}}} {value:g}" if shown else f"{name} {value:g}")
    return "\n".join(lines) + "\n"


async def relay_samples(relay: OutboxRelay) -> list[Sample]:
    labels = {"topic": relay.topic}
    return [
        ("rapport_relay_lag_events", labels, await relay.lag()),
        ("rapport_relay_position", labels, await relay.position()),
    ]
