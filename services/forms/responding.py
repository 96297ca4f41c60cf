"""Taking a response: through a client's link (single use, expiring, its own form only)
or entered by staff. A response and the flag it raises are saved together or not at all."""

import hmac
from uuid import UUID, uuid4

import structlog

from services.forms import escalations
from services.forms.commands import Commands, event_meta, link_digest
from services.forms.domain import CANCELLED, COMPLETED, FormInstance, RiskFlag
from services.forms.errors import LinkRefused, NotFound
from services.forms.responses import build_response
from services.forms.validation import Answered
from shared.envelope import Actor, Meta
from shared.eventstore import ConcurrencyConflict

ASK_AGAIN = "Please ask your therapist for a new one."
USED = "This form has been sent already: a link works only once."
log = structlog.get_logger()
CLIENT = Actor(id="client-link", role="client")  # who submits through a link: no person named


class ResponseCommands(Commands):
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
        m = event_meta(meta, form.case_id, form.site_id)
        form.submit(response=response, meta=m)
        if response.flag_id is None:
            await self.store.save(form)
            return form
        duty = await self._duty_clinician(form.site_id) if risk.escalates else None
        flag = RiskFlag(
            id=response.flag_id, form_id=form.id, case_id=form.case_id, site_id=form.site_id,
            level=risk.level, codes=list(risk.codes), rules_version=risk.rules_version,
            escalated=risk.escalates, raised_at=now, meta=m, escalated_to=duty,
        )  # fmt: skip
        await self.store.save(form, flag)
        return form

    async def _duty_clinician(self, site_id: str) -> str | None:
        """Who a high flag escalates to at once: the site's duty clinician now."""
        duty = await escalations.on_duty(self.store.pool, site_id)
        if duty is None:  # still listed for the site, but nobody is named: say so loudly
            log.warning("forms.escalation_without_duty_clinician", site_id=site_id)
        return duty
