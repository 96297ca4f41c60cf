import pytest

from tests.e2e.gateway_support import new_staff


@pytest.fixture
async def therapist() -> str:
    """A therapist of north new to Keycloak: an empty diary and caseload, so a test never
    meets what earlier runs booked for the demo therapist on a long-lived machine."""
    return await new_staff("therapist", "north")
