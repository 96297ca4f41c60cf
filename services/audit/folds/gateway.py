"""Folds of the gateway's events: who viewed the case, as what role, which view, and which
reads were break-glass (with the reason's digest)."""

from services.audit.folds import Envelope, State, folds


@folds("gateway.CaseViewed")
def _case_viewed(state: State, event: Envelope) -> None:
    data = event["data"]
    state.setdefault("views", []).append({
        "by": event["actor"]["id"], "role": data["role"], "view": data["view"],
        "action": data["action"], "at": event["occurred_at"],
        "break_glass": data["break_glass"], "reason_sha256": data["reason_sha256"],
    })  # fmt: skip
