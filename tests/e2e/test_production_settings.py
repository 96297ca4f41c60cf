"""The real service processes, started as production would start them but without their
key: each exits at once, non-zero, with a message naming the missing setting."""

import os
import subprocess
import sys

import pytest

from tests.support.stack import ROOT

MISSING = {"intake": "INTAKE_CIPHER_KEY", "audit": "AUDIT_SIGNING_KEY",
           "witness": "WITNESS_SIGNING_KEY"}  # fmt: skip


@pytest.mark.parametrize("service", sorted(MISSING))
def test_a_service_in_production_without_its_key_exits_naming_the_setting(service):
    prefix = service.upper()
    env = {k: v for k, v in os.environ.items() if not k.startswith(MISSING[service])}
    env |= {f"{prefix}_ENVIRONMENT": "production", f"{prefix}_PORT": "0"}

    done = subprocess.run(
        [sys.executable, "-m", f"services.{service}"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip

    assert done.returncode != 0
    assert f"{MISSING[service]} is required in production" in done.stdout + done.stderr
