"""Data-subject requests about a case (UK GDPR): access or erasure, and the decision. Pure.

A request is its own aggregate, keyed to its case by case id, so it can be made and decided
whatever the case's stage, discharged included (records outlive treatment by 20 years).
Erasure of a care record is refused under UK GDPR Art. 17(3): the domain records that
refusal, its legal basis and reason; it never grants one.
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.codes import ERASURE_EXEMPTION, sha256_hex
from services.intake.stages import not_before


class DataSubjectRequest(Aggregate):
    @event("DataSubjectRequestReceived")
    def __init__(
        self,
        *,
        id: UUID,
        case_id: UUID,
        site_id: str,
        kind: str,
        received_on: date,
        meta: dict[str, Any],
    ):
        self.case_id = case_id
        self.site_id = site_id
        self.kind = kind
        self.received_on = received_on
        self.decision: dict[str, Any] | None = None
        self.exports: list[dict[str, Any]] = []

    def decide(self, *, decision: str, reason: str, decided_on: date, meta: dict) -> None:
        if self.decision is not None:
            state = f"{self.decision['decision']} on {self.decision['decided_on'].isoformat()}"
            raise errors.RequestAlreadyDecided("decide the request", state, subject="request")
        if self.kind == "erasure" and decision != "refused":
            raise errors.InvalidInput(
                "decision", "erasure of a care record is refused under UK GDPR Art. 17(3)"
            )
        not_before(
            "decided_on", decided_on, self.received_on, "decision_after_request", "the request"
        )
        self._decided(
            decision=decision,
            legal_basis=ERASURE_EXEMPTION if self.kind == "erasure" else None,
            reason=reason,
            reason_sha256=sha256_hex(reason),
            decided_on=decided_on,
            meta=meta,
        )

    @event("DataSubjectRequestDecided")
    def _decided(
        self,
        decision: str,
        legal_basis: str | None,
        reason: str,
        reason_sha256: str,
        decided_on: date,
        meta: dict,
    ) -> None:
        self.decision = {"decision": decision, "legal_basis": legal_basis, "reason": reason}
        self.decision["decided_on"] = decided_on

    def record_export(self, *, export_sha256: str, exported_on: date, meta: dict) -> None:
        """The person's record was produced for a granted access request (its digest kept)."""
        if self.kind != "access" or (self.decision or {}).get("decision") != "granted":
            state = "not a granted access request"
            raise errors.RequestNotGranted("produce the subject access export", state, "request")
        self._exported(export_sha256=export_sha256, exported_on=exported_on, meta=meta)

    @event("SubjectAccessExported")
    def _exported(self, export_sha256: str, exported_on: date, meta: dict) -> None:
        self.exports.append({"export_sha256": export_sha256, "exported_on": exported_on})
