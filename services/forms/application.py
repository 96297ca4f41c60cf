"""The forms application: issue forms, take responses (by a client's link or from staff),
raise and acknowledge risk flags, record the therapist's risk assessment. Every command is
get, mutate, save; a response and the flag it raises are saved together or not at all."""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4, uuid5

from services.forms import catalogue
from services.forms.clinical import RiskAssessment
from services.forms.domain import CANCELLED, COMPLETED, FormInstance, RiskFlag
from services.forms.errors import LinkRefused, NotFound
from services.forms.responses import build_response, sha256_of
from services.forms.validation import Answered
from shared.envelope import Actor, Meta
from shared.eventstore import AggregateNotFound, ConcurrencyConflict, EventStore

FORMS_NAMESPACE = UUID("0c7a5a52-5a8e-4d1b-9f43-2b7f3c1d9e11")
ASK_AGAIN = "Please ask your therapist for a new one."
USED = "This form has been sent already: a link works only once."
CLIENT = Actor(id="client-link", role="client")  # who submits through a link: no person named


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


class FormsApplication:
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

    def pre_session_form(
        self, *, case_id: UUID, site_id: str, course_id: UUID, session_id: UUID,
        session_number: int, starts_at: datetime, meta: dict,
    ) -> FormInstance:  # fmt: skip
        token, digest = new_link()
        return FormInstance(
            id=form_id_for("pre_session", session_id), purpose="pre_session",
            questionnaires=[catalogue.latest(k).ref for k in
                            (*catalogue.PRE_SESSION, *catalogue.PRE_SESSION_OPTIONAL)],
            optional=list(catalogue.PRE_SESSION_OPTIONAL), case_id=case_id, site_id=site_id,
            course_id=course_id, session_id=session_id, session_number=session_number,
            due_at=starts_at, link_token=token, link_sha256=digest,
            link_expires_at=starts_at + self.link_grace, meta=meta,
        )  # fmt: skip

    def feedback_form(
        self, *, case_id: UUID, site_id: str, course_id: UUID | None, meta: dict
    ) -> FormInstance:
        token, digest = new_link()
        now = self.clock()
        return FormInstance(
            id=form_id_for("feedback", case_id), purpose="feedback",
            questionnaires=[catalogue.latest(k).ref for k in catalogue.FEEDBACK], optional=[],
            case_id=case_id, site_id=site_id, course_id=course_id, session_id=None,
            session_number=None, due_at=now, link_token=token, link_sha256=digest,
            link_expires_at=now + self.feedback_window, meta=meta,
        )  # fmt: skip

    async def form(self, form_id: UUID) -> FormInstance:
        try:
            form = await self.store.get(form_id)
        except AggregateNotFound:
            raise NotFound(f"no form {form_id}") from None
        if not isinstance(form, FormInstance):
            raise NotFound(f"no form {form_id}")
        return form

    async def form_by_link(self, token: str, form_id: UUID | None = None) -> FormInstance:
        """The form the link opens, or LinkRefused saying why it cannot be used. With the
        form's id (a submission names it), one read: the form, whose link must match."""
        digest = link_digest(token)
        form = await self._form_if_its_link(form_id, digest) if form_id else None
        if form is None:
            found = await self.store.pool.fetchval(
                "SELECT form_id FROM forms_instance WHERE link_sha256 = $1", digest
            )
            if found is None:
                raise LinkRefused(404, f"This link is not known. {ASK_AGAIN}")
            if form_id is not None and form_id != found:
                raise LinkRefused(403, "This link belongs to a different form.")
            form = await self.form(UUID(str(found)))  # asyncpg's UUID type would not transcode
        if form.status == COMPLETED:
            raise LinkRefused(410, USED)
        if form.status == CANCELLED:
            raise LinkRefused(410, "This form is no longer needed: the session was cancelled.")
        if self.clock() > form.link_expires_at:
            raise LinkRefused(410, f"This link has expired. {ASK_AGAIN}")
        return form

    async def _form_if_its_link(self, form_id: UUID, digest: str) -> FormInstance | None:
        try:
            form = await self.form(form_id)
        except NotFound:
            return None
        return form if hmac.compare_digest(form.link_sha256, digest) else None

    async def submit_by_link(
        self, token: str, form_id: UUID, given: list[Answered], correlation_id: str
    ) -> FormInstance:
        form = await self.form_by_link(token, form_id)
        meta = Meta(actor=CLIENT, correlation_id=correlation_id)
        try:
            return await self._submit(form, given, "client_link", meta)
        except ConcurrencyConflict:  # the same link sent twice at once: the first one won
            raise LinkRefused(410, USED) from None

    async def submit_by_staff(
        self, form_id: UUID, given: list[Answered], meta: Meta
    ) -> FormInstance:
        return await self._submit(await self.form(form_id), given, "staff", meta)

    async def _submit(
        self, form: FormInstance, given: list[Answered], via: str, meta: Meta
    ) -> FormInstance:
        now = self.clock()
        response, risk = build_response(form, given, via=via, at=now, new_flag_id=uuid4())
        m = _meta(meta, form.case_id, form.site_id)
        form.submit(response=response, meta=m)
        if response.flag_id is None:
            await self.store.save(form)
            return form
        flag = RiskFlag(
            id=response.flag_id, form_id=form.id, case_id=form.case_id, site_id=form.site_id,
            level=risk.level, codes=list(risk.codes), rules_version=risk.rules_version,
            escalated=risk.escalates, raised_at=now, meta=m,
        )  # fmt: skip
        await self.store.save(form, flag)
        return form

    async def reissue_link(self, form_id: UUID, meta: Meta) -> tuple[FormInstance, str]:
        form = await self.form(form_id)
        token, digest = new_link()
        expires = max(self.clock(), form.due_at) + self.link_grace
        if form.purpose == "feedback":
            expires = self.clock() + self.feedback_window
        form.reissue_link(link_token=token, link_sha256=digest, link_expires_at=expires,
                          meta=_meta(meta, form.case_id, form.site_id))  # fmt: skip
        await self.store.save(form)
        return form, token

    async def acknowledge_flag(
        self, flag_id: UUID, *, action: str, note: str, meta: Meta
    ) -> RiskFlag:
        try:
            flag = await self.store.get(flag_id)
        except AggregateNotFound:
            raise NotFound(f"no risk flag {flag_id}") from None
        if not isinstance(flag, RiskFlag):
            raise NotFound(f"no risk flag {flag_id}")
        flag.acknowledge(action=action, note=note, note_sha256=sha256_of(note),
                         acknowledged_at=self.clock(),
                         meta=_meta(meta, flag.case_id, flag.site_id))  # fmt: skip
        await self.store.save(flag)
        return flag

    async def risk_assessments(self, case_id: UUID) -> list[dict]:
        try:
            assessment = await self.store.get(_assessment_id(case_id))
        except AggregateNotFound:
            return []
        return list(assessment.revisions)

    async def record_risk_assessment(
        self, case_id: UUID, *, site_id: str, level: str, plan: str,
        session_id: UUID | None, assessed_on: date, meta: Meta,
    ) -> RiskAssessment:  # fmt: skip
        m = _meta(meta, case_id, site_id)
        assessment_id = _assessment_id(case_id)
        try:
            assessment = await self.store.get(assessment_id)
        except AggregateNotFound:
            assessment = RiskAssessment(id=assessment_id, case_id=case_id, site_id=site_id, meta=m)
        assessment.record(level=level, plan=plan, plan_sha256=sha256_of(plan),
                          session_id=session_id, assessed_on=assessed_on, meta=m)  # fmt: skip
        await self.store.save(assessment)
        return assessment


def _assessment_id(case_id: UUID) -> UUID:
    return uuid5(FORMS_NAMESPACE, f"risk_assessment:{case_id}")


def _meta(meta: Meta, case_id: UUID, site_id: str) -> dict:
    return meta.model_copy(update={"case_id": case_id, "site_id": site_id}).for_event()
