"""How forms reacts to other services' events (the consumer's handler): a booked session
issues its pre-session form, a moved or cancelled one moves or cancels it; attendance is
counted; a completed course (or a treated case's discharge) issues the PEQ and records the
course's outcome.

Each batch's effects are saved with `conn`, in the consumer's transaction that records its
position, so a redelivered message changes nothing; form ids derive from the session or
case, so a repeated booking issues no second form either."""

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import structlog

from services.forms.application import FormsApplication, form_id_for
from services.forms.batch import Batch, course_outcome
from services.forms.domain import ISSUED
from shared.consumer import Delivered
from shared.contracts import scheduling as s
from shared.envelope import Envelope

log = structlog.get_logger()
TREATED_ENDINGS = {"46", "47", "48"}  # completed or ended early after treatment started
TOPICS = ["scheduling.events", "intake.events"]


class Reactions:
    def __init__(self, app: FormsApplication):
        self.app = app

    async def handle(self, conn: asyncpg.Connection, batch: list[Delivered]) -> int:
        batch_state = Batch(conn, self.app)
        for item in batch:
            react = ROUTES.get(item.envelope.type)
            if react is not None:
                await react(self, batch_state, item.envelope)
        if batch_state.changed:
            await self.app.store.save(*batch_state.changed.values(), conn=conn)
        return len(batch_state.changed)

    async def session_booked(self, b: Batch, env: Envelope) -> None:
        e = s.SessionBooked.model_validate(env.data)
        if await b.exists(form_id_for("pre_session", e.session_id)):
            return
        form = self.app.pre_session_form(
            case_id=e.case_id, site_id=e.site_id, course_id=e.course_id,
            session_id=e.session_id, session_number=e.session_number, starts_at=e.starts_at,
            meta=env.caused_meta(e.case_id, e.site_id),
        )  # fmt: skip
        b.changed[form.id] = form

    async def session_moved(self, b: Batch, env: Envelope) -> None:
        e = s.SessionMoved.model_validate(env.data)
        form = await b.form(form_id_for("pre_session", e.session_id))
        if form is not None and form.status == ISSUED:
            expires = e.starts_at + self.app.link_grace
            form.move(due_at=e.starts_at, link_expires_at=expires,
                      meta=env.caused_meta(form.case_id, form.site_id))  # fmt: skip

    async def session_cancelled(self, b: Batch, env: Envelope) -> None:
        e = s.SessionCancelled.model_validate(env.data)
        form = await b.form(form_id_for("pre_session", e.session_id))
        if form is not None and form.status == ISSUED:
            form.cancel(
                reason="session_cancelled", meta=env.caused_meta(form.case_id, form.site_id)
            )

    async def attendance_recorded(self, b: Batch, env: Envelope) -> None:
        e = s.AttendanceRecorded.model_validate(env.data)
        await b.conn.execute(
            "INSERT INTO forms_attendance VALUES ($1, $2, $3)"
            " ON CONFLICT (session_id) DO UPDATE SET attended = EXCLUDED.attended",
            e.session_id, e.case_id, e.attended,
        )  # fmt: skip

    async def course_completed(self, b: Batch, env: Envelope) -> None:
        e = s.CourseCompleted.model_validate(env.data)
        await self._ending(b, env, e.case_id, e.course_id, e.completed_on, e.sessions_attended)

    async def case_discharged(self, b: Batch, env: Envelope) -> None:
        if env.case_id is None or env.data.get("ending_code") not in TREATED_ENDINGS:
            return
        attended = await b.conn.fetchval(
            "SELECT count(*) FROM forms_attendance WHERE case_id = $1 AND attended", env.case_id
        )
        ended_on = date.fromisoformat(env.data["discharged_on"])
        # Scheduling's completion may come later on its own topic: the course is the one
        # the case's sessions were booked in, so the outcome names it either way.
        course_id = await b.course_of(env.case_id)
        await self._ending(b, env, env.case_id, course_id, ended_on, attended)

    async def _ending(self, b: Batch, env: Envelope, case_id: UUID, course_id: UUID | None,
                      ended_on: Any, attended: int) -> None:  # fmt: skip
        site_id = env.site_id or await b.site_of(case_id)
        if site_id is None:
            log.warning("forms.ending_of_unknown_case", case_id=str(case_id))
            return
        meta = env.caused_meta(case_id, site_id)
        if not await b.exists(form_id_for("feedback", case_id)):
            form = self.app.feedback_form(case_id=case_id, site_id=site_id,
                                          course_id=course_id, meta=meta)  # fmt: skip
            b.changed[form.id] = form
        record = await course_outcome(b.conn, case_id, site_id, course_id, ended_on, attended, meta)
        if record is not None and not await b.has_outcome(case_id):
            b.changed[record.id] = record


ROUTES = {
    "scheduling.SessionBooked": Reactions.session_booked,
    "scheduling.SessionMoved": Reactions.session_moved,
    "scheduling.SessionCancelled": Reactions.session_cancelled,
    "scheduling.AttendanceRecorded": Reactions.attendance_recorded,
    "scheduling.CourseCompleted": Reactions.course_completed,
    "intake.CaseDischarged": Reactions.case_discharged,
}
