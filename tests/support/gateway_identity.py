"""Test clients speak to a service as the gateway does: every request carries a fresh
assertion (shared/identity.py) signed for its method and path with the machine's development
gateway key (GATEWAY_ASSERTION_KEY in .state/dev.env).

    STAFF = as_staff("staff-e2e", "intake_worker")
    httpx.AsyncClient(base_url=..., auth=STAFF)        # or per request: auth=STAFF
"""

import base64
import os
from collections.abc import Awaitable, Callable, Generator
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.gateway.assertions import Assertions
from shared import identity
from shared.identity import Identity

if "GATEWAY_ASSERTION_KEY" not in os.environ:
    # Without .state/dev.env (make test-unit): a key pair of this test run, which the services
    # it starts read from the same environment.
    _seed = Ed25519PrivateKey.generate()
    os.environ["GATEWAY_ASSERTION_KEY"] = base64.b64encode(_seed.private_bytes_raw()).decode()
    _public = _seed.public_key().public_bytes_raw()
    os.environ["RAPPORT_IDENTITY_PUBLIC_KEY"] = base64.b64encode(_public).decode()


def gateway_key() -> Ed25519PrivateKey:
    return identity.private_key_of(os.environ["GATEWAY_ASSERTION_KEY"])


class AsStaff(httpx.Auth):
    def __init__(self, subject: str, role: str, sites: tuple[str, ...] = (),
                 key: Ed25519PrivateKey | None = None):  # fmt: skip
        self.subject, self.role, self.sites, self.key = subject, role, sites, key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[identity.ASSERTION_HEADER] = self.assertion(
            request.method, request.url.path
        )
        yield request

    def assertion(self, method: str, path: str, correlation_id: str = "test") -> str:
        who = Identity(self.subject, self.role, (self.role,), self.sites, correlation_id)
        return identity.sign(self.key or gateway_key(), who, method, path)


def as_staff(subject: str, role: str, sites: tuple[str, ...] = ()) -> AsStaff:
    return AsStaff(subject, role, sites)


AUDITOR = as_staff("auditor-e2e", "auditor")


def signing(staff: AsStaff) -> Callable[[Any, Any], Awaitable[Any]]:
    """The same for an aiohttp ClientSession (`middlewares=(signing(STAFF),)`), the
    benchmarks' load: an assertion sent again for the same method and path while it is
    young, as the gateway sends them (services/gateway/assertions.py)."""
    assertions = Assertions(staff.key or gateway_key())
    who = Identity(staff.subject, staff.role, (staff.role,), staff.sites, "")

    async def sign(request: Any, handler: Any) -> Any:
        assertion = assertions.of(who, request.method, request.url.path)
        request.headers[identity.ASSERTION_HEADER] = assertion
        return await handler(request)

    return sign
