"""Responses of the audit API that have a fixed shape (histories and bundles are documented
in replay.py and verifier.py)."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class LedgerEntry(BaseModel):
    leaf_index: int
    event_id: UUID
    type: str
    case_id: UUID | None
    topic: str
    kafka_partition: int
    kafka_offset: int
    received_at: datetime
    leaf_hash: str
    envelope: str  # the message as it arrived: exactly the bytes the leaf hash covers


class CheckpointOut(BaseModel):
    id: int
    tree_size: int
    root_hash: str
    issued_at: str  # RFC 3339, exactly as signed
    key_id: str
    signature: str  # base64 Ed25519 over verifier.checkpoint_body()
    # The same checkpoint as a C2SP tlog-checkpoint signed note (None before notes existed)
    note: str | None = None


class PublicKeyOut(BaseModel):
    algorithm: str
    public_key: str
    key_id: str
    note_verifier_key: str  # for signed-note tools: name+hash+base64(0x01 || key)
    witness_key: str | None = None  # the witness's verifier key: name+hash+base64(0x04 || key)


class InclusionProofOut(BaseModel):
    leaf_index: int
    event_id: UUID
    envelope: str
    leaf_hash: str
    checkpoint: CheckpointOut
    inclusion_proof: list[str]
    verified: bool


class SizesConsistencyProofOut(BaseModel):
    from_size: int
    to_size: int
    to_root: str  # hex, the root of the tree of to_size leaves
    proof: list[str]


class ConsistencyProofOut(BaseModel):
    from_: CheckpointOut = Field(alias="from")
    to: CheckpointOut
    proof: list[str]
    verified: bool
