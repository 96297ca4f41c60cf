"""Staff queries over the read models: a case's forms and scores, outcomes, a site's open
risk flags with their age, the PEQ summary and the monthly outcome report of a site."""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.forms import escalations
from services.forms.outcomes import Pair, outcome
from services.forms.scoring import CASENESS

FORM_COLUMNS = (
    "form_id, purpose, session_id, session_number, status, due_at, submitted_at,"
    " submitted_via, phq9, gad7, wsas, phq9_band, gad7_band, risk_level"
)


def now_utc() -> datetime:
    return datetime.now(UTC)


class FormsQueries:
    def __init__(self, pool: asyncpg.Pool, clock: Callable[[], datetime] = now_utc):
        self.pool = pool
        self.clock = clock

    async def case_forms(self, case_id: UUID) -> list[dict[str, Any]]:
        """Every form of the case: per session, whether it came back."""
        rows = await self.pool.fetch(
            f"SELECT {FORM_COLUMNS} FROM forms_instance WHERE case_id = $1"
            " ORDER BY due_at, form_id",
            case_id,
        )
        return [dict(r) for r in rows]

    async def forms_of_cases(
        self, case_ids: Sequence[UUID], session_ids: Sequence[UUID] | None = None
    ) -> list[dict[str, Any]]:
        """Per case named (each once, in the order asked): its forms as case_forms has them,
        with `session_ids` only those of these sessions; an empty list if none. One query."""
        wanted = list(dict.fromkeys(case_ids))
        rows = await self.pool.fetch(
            f"SELECT case_id, {FORM_COLUMNS} FROM forms_instance WHERE case_id = ANY($1::uuid[])"
            " AND ($2::uuid[] IS NULL OR session_id = ANY($2::uuid[])) ORDER BY due_at, form_id",
            wanted,
            None if session_ids is None else list(session_ids),
        )
        forms: dict[UUID, list[dict[str, Any]]] = {case_id: [] for case_id in wanted}
        for r in rows:
            forms[r["case_id"]].append({k: v for k, v in r.items() if k != "case_id"})
        return [{"case_id": case_id, "forms": listed} for case_id, listed in forms.items()]

    async def outcomes(self, case_id: UUID) -> dict[str, Any]:
        """Scores session by session, the caseness lines, and first-to-last outcome."""
        forms = await self.case_forms(case_id)
        series = [
            {
                k: f[k]
                for k in (
                    "session_number",
                    "submitted_at",
                    "phq9",
                    "gad7",
                    "phq9_band",
                    "gad7_band",
                )
            }
            for f in forms
            if f["purpose"] == "pre_session" and f["status"] == "completed"
        ]
        paired = [p for p in series if p["phq9"] is not None and p["gad7"] is not None]
        attended = await self.pool.fetchval(
            "SELECT count(*) FROM forms_attendance WHERE case_id = $1 AND attended", case_id
        )
        result = None
        if paired:
            first, last = paired[0], paired[-1]
            o = outcome(Pair(first["phq9"], first["gad7"]), Pair(last["phq9"], last["gad7"]),
                        attended)  # fmt: skip
            result = {k: v for k, v in vars(o).items() if k not in ("first", "last")}
            result |= {"first": vars(o.first), "last": vars(o.last)}
        return {"case_id": case_id, "caseness_lines": CASENESS, "series": series,
                "sessions_attended": attended, "outcome": result}  # fmt: skip

    async def open_flags(self, site_id: str) -> list[dict[str, Any]]:
        rows = await self.pool.fetch(
            "SELECT f.*, e.escalated_to FROM forms_flag f"
            " LEFT JOIN forms_escalation e ON e.flag_id = f.flag_id"
            " WHERE f.site_id = $1 AND f.acknowledged_at IS NULL"
            " ORDER BY f.escalated DESC, f.raised_at",
            site_id,
        )
        now = self.clock()
        return [dict(r) | {"age_seconds": (now - r["raised_at"]).total_seconds()} for r in rows]

    async def case_flags(self, case_id: UUID) -> list[dict[str, Any]]:
        """Every flag of the case, oldest first, open or acknowledged (by whom, the action)."""
        rows = await self.pool.fetch(
            "SELECT flag_id, case_id, site_id, form_id, level, codes, escalated, raised_at,"
            " acknowledged_at, acknowledged_by, action FROM forms_flag WHERE case_id = $1"
            " ORDER BY raised_at, flag_id",
            case_id,
        )
        return [dict(r) for r in rows]

    async def flag(self, flag_id: UUID) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(
            "SELECT f.*, e.escalated_to FROM forms_flag f"
            " LEFT JOIN forms_escalation e ON e.flag_id = f.flag_id WHERE f.flag_id = $1",
            flag_id,
        )
        return dict(row) if row else None

    async def duty(self, site_id: str) -> dict[str, Any] | None:
        return await escalations.duty_of(self.pool, site_id)

    async def escalations_for(self, staff_id: str) -> list[dict[str, Any]]:
        return await escalations.for_clinician(self.pool, staff_id, self.clock())

    async def escalations(self) -> list[tuple[str, int, float]]:
        """Per site: open escalations and the age in seconds of the oldest."""
        rows = await self.pool.fetch(
            "SELECT site_id, count(*), min(raised_at) FROM forms_flag"
            " WHERE escalated AND acknowledged_at IS NULL GROUP BY site_id"
        )
        now = self.clock()
        return [(r[0], r[1], (now - r[2]).total_seconds()) for r in rows]

    async def feedback(self, site_id: str) -> dict[str, Any]:
        """PEQ answers counted per item and answer, and the satisfaction mean; no case."""
        rows = await self.pool.fetch(
            "SELECT link_id, code, count(*) FROM forms_peq_answer WHERE site_id = $1"
            " GROUP BY link_id, code ORDER BY link_id, code",
            site_id,
        )
        counts: dict[str, dict[str, int]] = {}
        for link_id, code, n in rows:
            counts.setdefault(link_id, {})[code] = n
        satisfaction = counts.get("peq-8", {})
        answered = sum(satisfaction.values())
        mean = sum(int(c) * n for c, n in satisfaction.items()) / answered if answered else None
        return {"site_id": site_id, "responses": answered, "counts": counts,
                "satisfaction_mean": mean}  # fmt: skip

    async def site_report(self, site_id: str, month: date) -> dict[str, Any]:
        """Finished courses ending in the month, the recovery and reliable improvement rates,
        as NHS Talking Therapies count them."""
        row = await self.pool.fetchrow(
            "SELECT count(*) FILTER (WHERE finished) AS finished,"
            " count(*) FILTER (WHERE finished AND at_caseness_at_start) AS cases,"
            " count(*) FILTER (WHERE finished AND recovered) AS recovered,"
            " count(*) FILTER (WHERE finished AND reliable_improvement) AS improved,"
            " count(*) FILTER (WHERE finished AND reliable_recovery) AS reliably_recovered"
            " FROM forms_outcome WHERE site_id = $1 AND date_trunc('month', ended_on) = $2",
            site_id, month.replace(day=1),
        )  # fmt: skip
        finished, cases = row["finished"], row["cases"]
        return {
            "site_id": site_id, "month": month.strftime("%Y-%m"), "finished": finished,
            "recovered": row["recovered"], "reliably_improved": row["improved"],
            "reliably_recovered": row["reliably_recovered"],
            "recovery_rate": row["recovered"] / cases if cases else None,
            "reliable_improvement_rate": row["improved"] / finished if finished else None,
        }  # fmt: skip
