"""The identity assertions the gateway sends the services: one signed for a caller, method
and path is sent again while it is young (REUSE seconds of its LIFETIME), so a staff app's
repeated reads and the gateway's lookups of a case's scope do not each pay for an Ed25519
signature. It proves no more than before: it was always valid for its whole lifetime on that
one method and path; it carries no correlation id (that travels in its own header)."""

import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import identity
from shared.identity import Identity

REUSE = identity.LIFETIME / 2  # seconds: a service always gets one with 30 s or more to live
KEPT = 50_000  # assertions remembered at most (a few MB)


class Assertions:
    def __init__(self, key: Ed25519PrivateKey):
        self.key = key
        self.signed: dict[tuple[object, ...], tuple[str, float]] = {}

    def of(self, who: Identity, method: str, path: str) -> str:
        key = (who.subject, who.role, who.roles, who.sites, who.break_glass, method, path)
        now = time.monotonic()
        found = self.signed.get(key)
        if found is not None and now < found[1]:
            return found[0]
        if len(self.signed) >= KEPT:  # the stale ones go; if none is stale, all go
            self.signed = {k: v for k, v in self.signed.items() if now < v[1]}
            if len(self.signed) >= KEPT:
                self.signed.clear()
        token = identity.sign(self.key, who, method, path)
        self.signed[key] = (token, now + REUSE)
        return token
