"""A form instance: one form issued to one client, for one session (PHQ-9, GAD-7, the risk
questions) or for the end of therapy (the PEQ); and the risk flag a response raises.

Pure domain: public methods check the rules and take computed values (scores, digests,
times, tokens); the `@event` methods only record. Answers and the client link's token stay
in this service's encrypted store; the contracts publish scores, bands, levels, digests."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.forms.errors import NotAllowed

ISSUED, COMPLETED, CANCELLED = "issued", "completed", "cancelled"


class FormInstance(Aggregate):
    @event("FormIssued")
    def __init__(
        self,
        *,
        id: UUID,
        purpose: str,
        questionnaires: list[str],
        optional: list[str],
        case_id: UUID,
        site_id: str,
        course_id: UUID | None,
        session_id: UUID | None,
        session_number: int | None,
        due_at: datetime,
        link_token: str,
        link_sha256: str,
        link_expires_at: datetime,
        meta: dict[str, Any],
    ):
        self.purpose = purpose
        self.questionnaires = questionnaires
        self.optional = optional
        self.case_id = case_id
        self.site_id = site_id
        self.course_id = course_id
        self.session_id = session_id
        self.session_number = session_number
        self.due_at = due_at
        self.link_token = link_token
        self.link_sha256 = link_sha256
        self.link_expires_at = link_expires_at
        self.status = ISSUED
        self.response: dict[str, Any] | None = None

    def _require_open(self, action: str) -> None:
        if self.status != ISSUED:
            raise NotAllowed(action, self.status)

    def move(self, *, due_at: datetime, link_expires_at: datetime, meta: dict) -> None:
        self._require_open("move the form")
        self._moved(due_at=due_at, link_expires_at=link_expires_at, meta=meta)

    @event("FormMoved")
    def _moved(self, due_at: datetime, link_expires_at: datetime, meta: dict) -> None:
        self.due_at = due_at
        self.link_expires_at = link_expires_at

    def cancel(self, *, reason: str, meta: dict) -> None:
        self._require_open("cancel the form")
        self._cancelled(reason=reason, meta=meta)

    @event("FormCancelled")
    def _cancelled(self, reason: str, meta: dict) -> None:
        self.status = CANCELLED

    def reissue_link(
        self, *, link_token: str, link_sha256: str, link_expires_at: datetime, meta: dict
    ) -> None:
        """A new link replaces the old one, which stops working."""
        self._require_open("send a new link")
        self._link_reissued(link_token=link_token, link_sha256=link_sha256,
                            link_expires_at=link_expires_at, meta=meta)  # fmt: skip

    @event("LinkReissued")
    def _link_reissued(
        self, link_token: str, link_sha256: str, link_expires_at: datetime, meta: dict
    ) -> None:
        self.link_token = link_token
        self.link_sha256 = link_sha256
        self.link_expires_at = link_expires_at

    def submit(self, *, response: "Response", meta: dict) -> None:
        """`response`: the answers with their digest, scores, bands, caseness and the risk
        assessment, computed by the application (scoring.py, risk_rules.py)."""
        self._require_open("submit a response")
        self._response_submitted(**response.__dict__, meta=meta)

    @event("ResponseSubmitted")
    def _response_submitted(
        self,
        answers: dict[str, dict[str, str]],
        answers_sha256: str,
        questionnaires: list[str],
        scores: dict[str, int],
        bands: dict[str, str],
        caseness: dict[str, bool],
        phq9_item9: int | None,
        risk_level: str,
        risk_codes: list[str],
        rules_version: int,
        flag_id: UUID | None,
        submitted_via: str,
        submitted_at: datetime,
        meta: dict,
    ) -> None:
        self.response = {
            "answers": answers,
            "questionnaires": questionnaires,
            "scores": scores,
            "bands": bands,
            "caseness": caseness,
            "risk_level": risk_level,
            "risk_codes": risk_codes,
            "flag_id": flag_id,
            "submitted_via": submitted_via,
            "submitted_at": submitted_at,
        }
        self.status = COMPLETED


@dataclass(frozen=True)
class Response:
    answers: dict[str, dict[str, str]]  # questionnaire key -> link id -> answer code or text
    answers_sha256: str
    questionnaires: list[str]  # "key|version" answered
    scores: dict[str, int]
    bands: dict[str, str]
    caseness: dict[str, bool]
    phq9_item9: int | None
    risk_level: str
    risk_codes: list[str]
    rules_version: int
    flag_id: UUID | None
    submitted_via: str
    submitted_at: datetime


class RiskFlag(Aggregate):
    """A FHIR Flag for clinician review, open until a clinician acknowledges it; an escalated
    one names the site's duty clinician it went to (None: nobody was on duty)."""

    if TYPE_CHECKING:  # the event class that @event("RiskFlagRaised") makes at runtime
        RiskFlagRaised: ClassVar[type[Aggregate.Created]]

    @event("RiskFlagRaised")
    def __init__(
        self,
        *,
        id: UUID,
        form_id: UUID,
        case_id: UUID,
        site_id: str,
        level: str,
        codes: list[str],
        rules_version: int,
        escalated: bool,
        escalated_to: str | None,
        raised_at: datetime,
        meta: dict[str, Any],
    ):
        self.form_id = form_id
        self.case_id = case_id
        self.site_id = site_id
        self.level = level
        self.codes = codes
        self.rules_version = rules_version
        self.escalated = escalated
        self.escalated_to = escalated_to
        self.raised_at = raised_at
        self.acknowledgement: dict[str, Any] | None = None

    def acknowledge(
        self, *, action: str, note: str, note_sha256: str, acknowledged_at: datetime, meta: dict
    ) -> None:
        if self.acknowledgement is not None:
            raise NotAllowed("acknowledge the flag", "acknowledged already", "flag")
        self._acknowledged(action=action, note=note, note_sha256=note_sha256,
                           acknowledged_at=acknowledged_at, meta=meta)  # fmt: skip

    @event("RiskFlagAcknowledged")
    def _acknowledged(
        self, action: str, note: str, note_sha256: str, acknowledged_at: datetime, meta: dict
    ) -> None:
        self.acknowledgement = {
            "action": action,
            "note": note,
            "acknowledged_at": acknowledged_at,
            "by": meta["actor"]["id"],
        }


def _named_no_duty_clinician(state: dict) -> None:
    """Flags raised before escalations named the duty clinician."""
    state.setdefault("escalated_to", None)


# Version 2 of the raised flag names the duty clinician it escalated to.
_raised: Any = RiskFlag.RiskFlagRaised  # the library reads these two class attributes
_raised.class_version = 2
_raised.upcast_v1_v2 = staticmethod(_named_no_duty_clinician)
