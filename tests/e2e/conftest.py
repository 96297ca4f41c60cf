"""E2e additions to tests/conftest.py: checks that run after the rest of the session (they
inspect what the other tests produced), and where each topic ended before the run."""

import pytest

from shared.kafka import topic_of
from tests.conftest import KAFKA
from tests.support.topics import end_offsets


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "after_the_rest: runs after every other test, to check what they produced"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("after_the_rest") is not None)


@pytest.fixture(scope="session", autouse=True)
async def intake_topic_start() -> dict[int, int]:
    """Where the intake topic ended before this run's e2e tests: checks read from there."""
    return await end_offsets(KAFKA, topic_of("intake"))
