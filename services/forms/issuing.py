"""Issuing forms: the pre-session form of a booked session, the PEQ at the end of therapy
(both made by the reactions to other services' events), and a new link for a client."""

from datetime import datetime
from uuid import UUID

from services.forms import catalogue
from services.forms.commands import Commands, event_meta, form_id_for, new_link
from services.forms.domain import FormInstance
from shared.envelope import Meta


class IssuingCommands(Commands):
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

    async def reissue_link(self, form_id: UUID, meta: Meta) -> tuple[FormInstance, str]:
        form = await self.form(form_id)
        token, digest = new_link()
        expires = max(self.clock(), form.due_at) + self.link_grace
        if form.purpose == "feedback":
            expires = self.clock() + self.feedback_window
        form.reissue_link(link_token=token, link_sha256=digest, link_expires_at=expires,
                          meta=event_meta(meta, form.case_id, form.site_id))  # fmt: skip
        await self.store.save(form)
        return form, token
