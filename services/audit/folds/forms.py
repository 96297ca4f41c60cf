"""Folds of the forms service's events (shared/contracts/forms.py): a case's forms session
by session with their scores and bands, its risk flags and their acknowledgement, the
therapist's risk assessments and the course's outcome.

Answers, the acknowledgement's note and the risk management plan never reach the ledger;
the replay shows their SHA-256 digests."""

from typing import Any

from services.audit.folds import Envelope, State, folds


def _forms(state: State) -> dict[str, dict[str, Any]]:
    return state.setdefault("forms", {})


def _flags(state: State) -> dict[str, dict[str, Any]]:
    return state.setdefault("risk_flags", {})


@folds("forms.FormIssued")
def _form_issued(state: State, event: Envelope) -> None:
    data = event["data"]
    _forms(state)[event["originator_id"]] = {
        "purpose": data["purpose"], "questionnaires": data["questionnaires"],
        "session_number": data["session_number"], "due_at": data["due_at"],
        "status": "issued", "scores": None,
    }  # fmt: skip


@folds("forms.FormMoved")
def _form_moved(state: State, event: Envelope) -> None:
    _forms(state)[event["originator_id"]]["due_at"] = event["data"]["due_at"]


@folds("forms.FormCancelled")
def _form_cancelled(state: State, event: Envelope) -> None:
    _forms(state)[event["originator_id"]]["status"] = "cancelled"


@folds("forms.LinkReissued")
def _link_reissued(state: State, event: Envelope) -> None:
    _forms(state)[event["originator_id"]]["link_reissued_at"] = event["occurred_at"]


@folds("forms.ResponseSubmitted")
def _response_submitted(state: State, event: Envelope) -> None:
    data = event["data"]
    form = _forms(state)[event["originator_id"]]
    form.update(
        status="completed", scores=data["scores"], bands=data["bands"],
        caseness=data["caseness"], risk_level=data["risk_level"],
        risk_codes=data["risk_codes"], answers_sha256=data["answers_sha256"],
        submitted_via=data["submitted_via"], submitted_at=data["submitted_at"],
    )  # fmt: skip


@folds("forms.RiskFlagRaised")
def _flag_raised(state: State, event: Envelope) -> None:
    data = event["data"]
    _flags(state)[event["originator_id"]] = {
        "form_id": data["form_id"], "level": data["level"], "codes": data["codes"],
        "escalated": data["escalated"], "escalated_to": data.get("escalated_to"),
        "raised_at": data["raised_at"],
        "status": "active", "acknowledgement": None,
    }  # fmt: skip


@folds("forms.DutyRotaStarted", "forms.DutyClinicianAssigned")
def _duty(state: State, event: Envelope) -> None:
    """A site's duty rota: who was on duty from when (a site's replay, not a case's)."""
    rota = state.setdefault("duty_clinicians", [])
    if event["type"] == "forms.DutyClinicianAssigned":
        rota.append({"staff_id": event["data"]["staff_id"], "since": event["data"]["since"],
                     "assigned_by": event["actor"]["id"]})  # fmt: skip


@folds("forms.RiskFlagAcknowledged")
def _flag_acknowledged(state: State, event: Envelope) -> None:
    flag = _flags(state)[event["originator_id"]]
    flag["status"] = "inactive"
    flag["acknowledgement"] = {
        "action": event["data"]["action"], "note_sha256": event["data"]["note_sha256"],
        "at": event["data"]["acknowledged_at"], "by": event["actor"]["id"],
    }  # fmt: skip


@folds("forms.RiskAssessmentStarted")
def _risk_assessment_started(state: State, event: Envelope) -> None:
    state.setdefault("risk_assessments", [])


@folds("forms.RiskAssessmentRecorded")
def _risk_assessment(state: State, event: Envelope) -> None:
    revision = {k: event["data"][k] for k in ("revision", "level", "plan_sha256", "assessed_on")}
    state.setdefault("risk_assessments", []).append({**revision, "by": event["actor"]["id"]})


@folds("forms.OutcomeRecorded")
def _outcome(state: State, event: Envelope) -> None:
    data = event["data"]
    course = {k: data[k] for k in ("ended_on", "course_id", "sessions_attended")}
    state["outcome"] = {**course, **data["measures"]}
