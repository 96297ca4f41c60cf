# Every command a person needs. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-unit lint bench infra-up infra-down venv schemas generated demo

$(STAMP): pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,bench]'
	touch $(STAMP)

venv: $(STAMP)

infra-up:
	bash deploy/postgres.sh up
	bash deploy/kafka.sh up
	bash deploy/keycloak.sh up
	bash deploy/dev_env.sh

infra-down:
	bash deploy/keycloak.sh down
	bash deploy/kafka.sh down
	bash deploy/postgres.sh down

run: venv infra-up
	bash deploy/run.sh

test: venv infra-up
	bash deploy/browser.sh
	set -a; source .state/dev.env; set +a; $(PY) -m pytest -q tests

test-unit: venv
	$(PY) -m pytest -q tests/unit

lint: venv
	$(VENV)/bin/ruff check services shared tests bench deploy demo
	$(VENV)/bin/ruff format --check services shared tests bench deploy demo
	$(VENV)/bin/mypy services shared demo

bench: venv infra-up
	set -a; source .state/dev.env; set +a; $(PY) bench/pipeline.py && $(PY) bench/ledger.py && $(PY) bench/scheduling.py && $(PY) bench/forms.py && $(PY) bench/gateway.py && $(PY) bench/intake_search.py && $(PY) bench/web.py

# Regenerate the committed JSON Schemas of the event contracts.
schemas: venv
	$(PY) -m shared.contracts.export

# Rewrite docker-compose.yml's services and deploy/postgres-init.sql from shared/registry.py.
generated:
	python3 deploy/generate.py

# An access token of a demo user (development realm), for curl: make token ROLE=therapist SITE=north
token: ; @$(PY) -m services.gateway.devtoken $(ROLE) $(SITE)

# On a running stack (make run): one site's month through the gateway, then the auditor's check.
demo: venv ; set -a; source .state/dev.env; set +a; $(PY) -m demo
