"""Test clients speak to a service as the gateway does: every request carries a fresh
assertion (shared/identity.py) signed for its method and path with the machine's development
gateway key (GATEWAY_ASSERTION_KEY in .state/dev.env).

    STAFF = as_staff("staff-e2e", "intake_worker")
    httpx.AsyncClient(base_url=..., auth=STAFF)        # or per request: auth=STAFF
"""

import os
from collections.abc import Generator

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import identity
from shared.identity import Identity


def gateway_key() -> Ed25519PrivateKey:
    return identity.private_key_of(os.environ["GATEWAY_ASSERTION_KEY"])


class AsStaff(httpx.Auth):
    def __init__(self, subject: str, role: str, sites: tuple[str, ...] = (),
                 key: Ed25519PrivateKey | None = None):  # fmt: skip
        self.subject, self.role, self.sites, self.key = subject, role, sites, key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        who = Identity(self.subject, self.role, (self.role,), self.sites,
                       request.headers.get("X-Correlation-ID", "test"))  # fmt: skip
        key = self.key or gateway_key()
        request.headers[identity.ASSERTION_HEADER] = identity.sign(
            key, who, request.method, request.url.path
        )
        yield request


def as_staff(subject: str, role: str, sites: tuple[str, ...] = ()) -> AsStaff:
    return AsStaff(subject, role, sites)


AUDITOR = as_staff("auditor-e2e", "auditor")
