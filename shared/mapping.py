"""The eventsourcing library's Mapper, set up once for every service: JSON transcoding,
the AES-GCM cipher for encryption at rest, and class_version upcasting (built in)."""

from datetime import date

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.utils import Environment


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def build_mapper(cipher_key: str | None) -> Mapper:
    """A mapper that encrypts stored state when a key is given (base64 of 16/24/32 bytes)."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    cipher = None
    if cipher_key:
        cipher = AESCipher(Environment(env={AESCipher.CIPHER_KEY: cipher_key}))
    return Mapper(transcoder=transcoder, cipher=cipher)


def new_cipher_key() -> str:
    return AESCipher.create_key(32)
