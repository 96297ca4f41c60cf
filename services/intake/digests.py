"""Keyed digests of short free text (the reasons for a pause, a reallocation, a withdrawal).

A bare SHA-256 of "moved house" can be found again by hashing likely reasons, so Kafka gets
HMAC-SHA-256 instead, under a key only intake holds. Each case has its own key, derived from
the service's key and the case id, so the same reason in two cases gives two digests and
nobody can tell that two clients gave it. The digest names its key (`key_id`: a fingerprint
of the service key, never the key), so intake can later prove that a text matches it.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any
from uuid import UUID

ALGORITHM = "hmac-sha256"
LEGACY = "sha256"  # events recorded before keyed digests: a bare SHA-256, no key


@dataclass(frozen=True)
class KeyedDigests:
    key: bytes

    @classmethod
    def from_base64(cls, key: str | None) -> "KeyedDigests":
        """The service's key; without one (development, unit tests) a key of this process,
        whose digests cannot be proven after a restart."""
        return cls(base64.b64decode(key) if key else os.urandom(32))

    @property
    def key_id(self) -> str:
        fingerprint = hmac.new(self.key, b"rapport intake digest key id", hashlib.sha256)
        return "intake-" + fingerprint.hexdigest()[:16]

    def of(self, case_id: UUID, text: str) -> dict[str, Any]:
        mac = hmac.new(self._case_key(case_id), text.encode(), hashlib.sha256)
        return {"alg": ALGORITHM, "key_id": self.key_id, "hex": mac.hexdigest()}

    def proves(self, case_id: UUID, text: str, digest: dict[str, Any]) -> bool:
        """Whether `text` is what `digest` was made of, in this case."""
        if digest.get("alg") == LEGACY:
            expected = hashlib.sha256(text.encode()).hexdigest()
        elif digest.get("alg") == ALGORITHM and digest.get("key_id") == self.key_id:
            expected = self.of(case_id, text)["hex"]
        else:
            return False
        return hmac.compare_digest(expected, str(digest.get("hex", "")))

    def derived(self, purpose: str) -> bytes:
        """A key of its own for another use of the service key (the search index's)."""
        return hmac.new(self.key, f"rapport intake {purpose}".encode(), hashlib.sha256).digest()

    def _case_key(self, case_id: UUID) -> bytes:
        return hmac.new(self.key, b"case:" + case_id.bytes, hashlib.sha256).digest()
