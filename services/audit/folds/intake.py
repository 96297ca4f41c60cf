"""Folds of the intake service's events (shared/contracts/intake.py): a case's stage and
episode of care, assessment, allocations, the waiting clock, consents, IPAF revisions, the
goodbye letter, the discharge, and the enquiry and data-subject requests around it.

Free text never reaches the ledger: where the intake service holds a text (a reason, the
IPAF, a letter), the replay shows the SHA-256 digest that proves the text unchanged; a short
reason (a pause's, a reallocation's, a withdrawal's) is an HMAC under intake's key, which only
intake can check a text against.
"""

from collections.abc import Callable
from typing import Any

from services.audit.folds import Envelope, Fold, State, folds

EPISODE_OF = {"referred": "planned", "assessment_booked": "planned", "waiting": "waitlist"}
EPISODE_OF["active"] = "active"


def case_fold(*event_types: str) -> Callable[[Fold], Fold]:
    """Register a fold of events of the case aggregate: each also sets the case's version."""

    def register(fold: Fold) -> Fold:
        def with_version(state: State, event: Envelope) -> None:
            fold(state, event)
            if event["originator_id"] == event["case_id"]:
                state["version"] = event["originator_version"]

        folds(*event_types)(with_version)
        return fold

    return register


@case_fold("intake.ReferralReceived")
def _referral_received(state: State, event: Envelope) -> None:
    data = event["data"]
    state.update(
        status="referred", site_id=event["site_id"], referral_source=data["referral_source"],
        referral_date=data["referral_date"], assessment=None, outcome=None, therapist_id=None,
        allocations=[], first_treatment_on=None, waited_days=None, ending=None, pauses=[],
        consents=[], ipaf=[], goodbye_letters=[], episode_history=[], data_requests=[],
    )  # fmt: skip
    _note_episode(state, data["referral_date"])


@case_fold("intake.AssessmentBooked")
def _assessment_booked(state: State, event: Envelope) -> None:
    state["assessment"] = _pick(event, "appointment_id", "scheduled_for", "assessor_id")
    state["status"] = "assessment_booked"


@case_fold("intake.AssessmentOutcomeRecorded")
def _assessment_outcome(state: State, event: Envelope) -> None:
    state["outcome"] = _pick(event, "suitable", "ending_code", "assessed_on", "reason_sha256")
    if event["data"]["suitable"]:
        state["status"] = "waiting"
        _note_episode(state, event["data"]["assessed_on"])


@case_fold("intake.PauseStarted")
def _pause_started(state: State, event: Envelope) -> None:
    data = event["data"]
    state["pauses"].append({"start": data["paused_from"], "end": None,
                            "reason_digest": _reason_digest(event)})  # fmt: skip
    _note_episode(state, data["paused_from"])


@case_fold("intake.PauseEnded")
def _pause_ended(state: State, event: Envelope) -> None:
    state["pauses"][-1]["end"] = event["data"]["resumed_on"]
    _note_episode(state, event["data"]["resumed_on"])


@case_fold("intake.TherapistAllocated", "intake.TherapistReallocated")
def _therapist_allocated(state: State, event: Envelope) -> None:
    data = event["data"]
    on = data.get("allocated_on") or data["reallocated_on"]
    state["therapist_id"] = data["therapist_id"]
    state["allocations"].append({"therapist_id": data["therapist_id"], "on": on})
    if state["status"] != "active":
        state["status"] = "active"
        _note_episode(state, on)


@case_fold("intake.FirstTreatmentAttended")
def _first_treatment(state: State, event: Envelope) -> None:
    state["first_treatment_on"] = event["data"]["attended_on"]
    state["waited_days"] = event["data"]["waited_days"]


@case_fold("intake.TreatmentCourseCompleted")
def _course_completed(state: State, event: Envelope) -> None:
    state["course_completed"] = _pick(event, "course_id", "completed_on", "sessions_attended")


@case_fold("intake.CaseDischarged")
def _discharged(state: State, event: Envelope) -> None:
    state["ending"] = {"code": event["data"]["ending_code"], "on": event["data"]["discharged_on"]}
    state["status"] = "discharged"
    _note_episode(state, event["data"]["discharged_on"])


@case_fold("intake.ConsentRecorded")
def _consent_recorded(state: State, event: Envelope) -> None:
    consent = _pick(event, "consent_id", "document", "template_version", "template_sha256",
                    "signed_by", "witnessed_by", "method", "signed_at")  # fmt: skip
    state["consents"].append({**consent, "withdrawn_on": None, "stops": []})


@case_fold("intake.ConsentWithdrawn")
def _consent_withdrawn(state: State, event: Envelope) -> None:
    data = event["data"]
    consent = next(c for c in state["consents"] if c["consent_id"] == data["consent_id"])
    consent.update(withdrawn_on=data["withdrawn_on"], stops=list(data["stops"]),
                   withdrawal_reason_digest=_reason_digest(event))  # fmt: skip


@case_fold("intake.IpafRecorded")
def _ipaf_recorded(state: State, event: Envelope) -> None:
    revision = _pick(event, "revision", "agreed_on", "ipaf_sha256")
    state["ipaf"].append({**revision, "recorded_by": event["actor"]["id"]})


@case_fold("intake.GoodbyeLetterWritten")
def _goodbye_letter(state: State, event: Envelope) -> None:
    letter = _pick(event, "revision", "letter_date", "letter_sha256")
    state["goodbye_letters"].append({**letter, "written_by": event["actor"]["id"]})


@case_fold("intake.DataSubjectRequestReceived", "intake.DataSubjectRequestDecided")
def _data_request(state: State, event: Envelope) -> None:
    """A request is its own aggregate: its decision is matched to it by the request's id
    (the event's originator), never to the latest request."""
    requests = state.setdefault("data_requests", [])
    request_id = event["originator_id"]
    request = next((r for r in requests if r["request_id"] == request_id), None)
    if request is None:
        request = {"request_id": request_id, "kind": None, "decision": None}
        requests.append(request)
    request.update(event["data"])


@case_fold("intake.ClientDetailsCorrected")
def _client_details_corrected(state: State, event: Envelope) -> None:
    correction = _pick(event, "fields", "corrected_on")
    state.setdefault("corrections", []).append({**correction, "by": event["actor"]["id"]})


@case_fold("intake.SubjectAccessExported")
def _subject_access_exported(state: State, event: Envelope) -> None:
    requests = state.setdefault("data_requests", [])
    request = next((r for r in requests if r["request_id"] == event["originator_id"]), None)
    if request is not None:
        request.setdefault("exports", []).append(dict(event["data"]))


@case_fold("intake.EnquiryReceived", "intake.EnquiryConverted", "intake.EnquiryClosed")
def _enquiry(state: State, event: Envelope) -> None:
    state.setdefault("enquiry", {}).update(event["data"])


@case_fold("intake.TemplateCreated", "intake.TemplateVersionPublished")
def _template(state: State, event: Envelope) -> None:
    template = state.setdefault("template", {"kind": event["data"]["kind"], "versions": []})
    if "version" in event["data"]:
        template["versions"].append(_pick(event, "version", "text_sha256"))


def episode_status(state: State) -> str:
    """FHIR EpisodeOfCare status, derived as the intake service derives it."""
    if state["status"] == "discharged":
        return "finished" if state["first_treatment_on"] else "cancelled"
    paused = state["pauses"] and state["pauses"][-1]["end"] is None
    return "onhold" if paused else EPISODE_OF[state["status"]]


def _note_episode(state: State, since: str) -> None:
    status = episode_status(state)
    history = state["episode_history"]
    if not history or history[-1]["status"] != status:
        history.append({"status": status, "since": since})
    state["episode_status"] = status


def _reason_digest(event: Envelope) -> dict[str, Any]:
    """The reason's keyed digest (schema version 2), or the bare SHA-256 of version 1."""
    data = event["data"]
    if "reason_digest" in data:
        return dict(data["reason_digest"])
    return {"alg": "sha256", "key_id": None, "hex": data["reason_sha256"]}


def _pick(event: Envelope, *names: str) -> dict[str, Any]:
    return {name: event["data"].get(name) for name in names}
