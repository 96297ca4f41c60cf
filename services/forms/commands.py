"""What every forms command needs: the store, the clock, the link and form-id rules, typed
gets and event metadata. The commands themselves are issuing.py, responding.py, risk.py."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid5

from services.forms.domain import FormInstance
from services.forms.errors import NotFound
from shared.envelope import Meta
from shared.eventstore import AggregateNotFound, EventStore

FORMS_NAMESPACE = UUID("0c7a5a52-5a8e-4d1b-9f43-2b7f3c1d9e11")


def now_utc() -> datetime:
    return datetime.now(UTC)


def form_id_for(purpose: str, of: UUID) -> UUID:
    """One form per session (pre_session) or per case (feedback): redelivery issues none."""
    return uuid5(FORMS_NAMESPACE, f"{purpose}:{of}")


def new_link() -> tuple[str, str]:
    """An unguessable token (256 random bits) and its SHA-256, the only form it is indexed by."""
    token = secrets.token_urlsafe(32)
    return token, link_digest(token)


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Commands:
    def __init__(
        self,
        store: EventStore,
        clock: Callable[[], datetime] = now_utc,
        link_grace: timedelta = timedelta(hours=24),
        feedback_window: timedelta = timedelta(days=28),
    ):
        self.store = store
        self.clock = clock
        self.link_grace = link_grace  # a pre-session link works until this long after the start
        self.feedback_window = feedback_window

    async def form(self, form_id: UUID) -> FormInstance:
        try:
            form = await self.store.get(form_id)
        except AggregateNotFound:
            raise NotFound(f"no form {form_id}") from None
        if not isinstance(form, FormInstance):
            raise NotFound(f"no form {form_id}")
        return form


def event_meta(meta: Meta, case_id: UUID, site_id: str) -> dict:
    return meta.model_copy(update={"case_id": case_id, "site_id": site_id}).for_event()
