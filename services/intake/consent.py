"""Consents of a case: the therapy contract and the confidentiality agreement (both needed
before treatment goes on past the first session) and the optional consent to audio
recording for supervision. Pure domain; a base class of Case (domain.py).

Each consent names the template version it was given on (title, version and digest are
kept by DocumentTemplate in templates.py); a withdrawal states what it stops.
"""

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.codes import (
    REQUIRED_FOR_TREATMENT,
    WITHDRAWAL_STOPS,
    site_date,
)
from services.intake.stages import ACTIVE, not_before, require


@dataclass(frozen=True)
class SignedConsent:
    """What a consent form says: the template version, who signed, who witnessed, how, when."""

    document: str
    template_version: int
    template_sha256: str
    signed_by: str
    signatory_name: str | None  # personal: only when a representative signed
    witnessed_by: str
    method: str
    signed_at: datetime


@dataclass(frozen=True)
class Consent:
    consent_id: UUID
    document: str
    template_version: int
    signed_by: str
    signatory_name: str | None  # personal: only when a representative signed
    witnessed_by: str
    method: str
    signed_at: datetime
    withdrawn_on: date | None = None
    stops: tuple[str, ...] = ()


class Consents(Aggregate):
    if TYPE_CHECKING:  # attributes that Case sets
        status: str

        @property
        def state(self) -> str: ...  # a property of Case

        consents: dict[UUID, Consent]
        allocations: list[dict[str, Any]]

    @property
    def missing_consents(self) -> list[str]:
        """Required documents not signed, or withdrawn."""
        given = {c.document for c in self.consents.values() if c.withdrawn_on is None}
        return [kind for kind in REQUIRED_FOR_TREATMENT if kind not in given]

    def record_consent(self, *, consent_id: UUID, signed: SignedConsent, meta: dict) -> None:
        require(self.status, self.state, "record a consent", (ACTIVE,))
        not_before("signed_at", site_date(signed.signed_at), self.allocations[0]["on"],
                   "consent_after_allocation", "the allocation")  # fmt: skip
        if (signed.signed_by == "representative") != bool(signed.signatory_name):
            raise errors.InvalidInput("signatory_name", "give it if a representative signed")
        self._consent_recorded(consent_id=consent_id, **asdict(signed), meta=meta)

    @event("ConsentRecorded")
    def _consent_recorded(
        self,
        consent_id: UUID,
        document: str,
        template_version: int,
        template_sha256: str,
        signed_by: str,
        signatory_name: str | None,
        witnessed_by: str,
        method: str,
        signed_at: datetime,
        meta: dict,
    ) -> None:
        self.consents[consent_id] = Consent(
            consent_id,
            document,
            template_version,
            signed_by,
            signatory_name,
            witnessed_by,
            method,
            signed_at,
        )

    def withdraw_consent(
        self,
        *,
        consent_id: UUID,
        withdrawn_on: date,
        reason: str,
        reason_digest: dict[str, Any],
        meta: dict,
    ) -> list[str]:
        """Withdraw a consent; returns what the withdrawal stops. `reason_digest` is the
        reason's keyed digest (what Kafka carries), made by the application."""
        require(self.status, self.state, "withdraw a consent", (ACTIVE,))
        consent = self.consents.get(consent_id)
        if consent is None:
            raise errors.NotFound(f"the case has no consent {consent_id}")
        if consent.withdrawn_on is not None:
            state = f"withdrawn on {consent.withdrawn_on.isoformat()}"
            raise errors.ConsentAlreadyWithdrawn("withdraw the consent", state, subject="consent")
        not_before("withdrawn_on", withdrawn_on, site_date(consent.signed_at),
                   "withdrawal_after_signature", "the signature")  # fmt: skip
        stops = list(WITHDRAWAL_STOPS[consent.document])
        self._consent_withdrawn(
            consent_id=consent_id,
            document=consent.document,
            withdrawn_on=withdrawn_on,
            stops=stops,
            reason=reason,
            reason_digest=reason_digest,
            meta=meta,
        )
        return stops

    @event("ConsentWithdrawn")
    def _consent_withdrawn(
        self,
        consent_id: UUID,
        document: str,
        withdrawn_on: date,
        stops: list[str],
        reason: str,
        reason_digest: dict[str, Any],
        meta: dict,
    ) -> None:
        consent = self.consents[consent_id]
        self.consents[consent_id] = replace(consent, withdrawn_on=withdrawn_on, stops=tuple(stops))
