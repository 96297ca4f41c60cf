"""One place names the services, their ports and topics (shared/registry.py); what cannot
read it (docker-compose.yml, the PostgreSQL image's first-start script) is generated from it,
and these tests fail when anything drifts."""

import importlib
from pathlib import Path

import pytest
import yaml

from deploy import generate
from shared import registry
from shared.kafka import all_service_topics
from tests.support.stack import PORT_BASE, SERVICE_PORTS

ROOT = Path(__file__).resolve().parents[3]


def test_docker_compose_runs_exactly_the_registered_services_on_their_ports():
    committed = generate.COMPOSE.read_text()
    assert committed == generate.compose_with_services(committed), "run `make generated`"
    services = yaml.safe_load(committed)["services"]
    for entry in registry.running():
        assert services[entry.name]["ports"] == [f"127.0.0.1:{entry.port}:{entry.port}"]


def test_the_postgres_first_start_script_makes_a_database_for_every_registered_service():
    assert generate.POSTGRES_INIT.read_text() == generate.postgres_init(), "run `make generated`"


def test_every_service_package_is_registered_and_every_running_service_has_a_package():
    packages = {p.parent.name for p in (ROOT / "services").glob("*/__main__.py")}
    running = {e.name for e in registry.running()}
    assert running <= packages
    assert packages <= set(registry.BY_NAME), "add the new service to shared/registry.py"


def test_test_ports_follow_the_registry_moved_by_the_test_port_base():
    assert {name: port - PORT_BASE for name, port in SERVICE_PORTS.items()} == {
        e.name: e.port % 10 for e in registry.running()
    }


@pytest.mark.parametrize("entry", registry.running(), ids=lambda e: e.name)
def test_a_service_listens_on_its_registered_port_by_default(entry, monkeypatch):
    monkeypatch.delenv(f"{entry.name.upper()}_PORT", raising=False)
    settings = importlib.import_module(f"services.{entry.name}.settings")
    classes = [
        c for n, c in vars(settings).items() if n.endswith("Settings") and n != "ServiceSettings"
    ]
    assert classes[0].model_fields["port"].default == entry.port


def test_the_ledger_reads_the_topic_of_every_service_that_publishes():
    assert set(all_service_topics()) == {
        f"{e.name}.events" for e in registry.SERVICES if e.publishes
    }
