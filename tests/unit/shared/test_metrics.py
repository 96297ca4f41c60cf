"""The health of background components in the metrics (prometheus_client): one series per
component says whether it works, and only its current state is 1, so an alert on a state
ends when the component leaves it."""

import uuid

from shared.metrics import record_health, render


def sample(text: str, name: str, **labels: str) -> float | None:
    shown = ",".join(f'{k}="{v}"' for k, v in labels.items())
    series = f"{name}{{{shown}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(f"{series} "):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_a_component_that_recovers_shows_only_its_current_state():
    relay = f"relay-{uuid.uuid4().hex[:8]}"
    record_health({relay: {"ok": False, "state": "broker_unreachable"}}, database=True)
    record_health({relay: {"ok": True, "state": "publishing"}}, database=True)

    text = render().decode()
    assert sample(text, "rapport_component_ok", component=relay) == 1.0
    assert sample(text, "rapport_component_state", component=relay, state="publishing") == 1.0
    assert sample(text, "rapport_component_state", component=relay,
                  state="broker_unreachable") is None  # fmt: skip


def test_the_database_reachable_gauge_follows_the_last_check():
    record_health({}, database=False)
    assert sample(render().decode(), "rapport_database_reachable") == 0.0
    record_health({}, database=True)
    assert sample(render().decode(), "rapport_database_reachable") == 1.0
