"""The X-Clock header moves scheduling's clock in the test environment only: production and
development ignore it, and a malformed one is refused in test."""

from types import SimpleNamespace

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from services.scheduling.api.deps import clock_from_header
from services.scheduling.application import utc_now

MOMENT = "2027-10-31T10:00:00+00:00"


def client_in(environment: str) -> TestClient:
    app = FastAPI()
    app.state.context = SimpleNamespace(settings=SimpleNamespace(environment=environment))

    @app.get("/now", dependencies=[Depends(clock_from_header)])
    async def now() -> str:
        return utc_now().isoformat()

    return TestClient(app)


def test_the_header_sets_the_clock_in_the_test_environment():
    assert client_in("test").get("/now", headers={"X-Clock": MOMENT}).json() == MOMENT


@pytest.mark.parametrize("environment", ["production", "development"])
def test_the_header_is_ignored_outside_the_test_environment(environment):
    assert client_in(environment).get("/now", headers={"X-Clock": MOMENT}).json() != MOMENT


def test_a_clock_without_its_offset_is_refused():
    response = client_in("test").get("/now", headers={"X-Clock": "2027-10-31T10:00"})
    assert response.status_code == 400
