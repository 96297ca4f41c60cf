"""Read models of the forms service, written by the event store's projection in the same
transaction as the events (so staff read their writes and a flag is listed the moment its
response is stored): forms with their scores, risk flags, course outcomes, and the PEQ's
coded answers per site and month (no case id: feedback is summarised unidentifiably)."""

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.forms import escalations
from services.forms.clinical import CourseOutcome
from services.forms.domain import COMPLETED, FormInstance, RiskFlag
from shared.schema import create_idempotently, newer_version_replaces

SCHEMA = """
CREATE TABLE IF NOT EXISTS forms_instance (
    form_id uuid PRIMARY KEY, version bigint NOT NULL, case_id uuid NOT NULL,
    site_id text NOT NULL, purpose text NOT NULL, course_id uuid, session_id uuid,
    session_number int, status text NOT NULL, due_at timestamptz NOT NULL,
    link_sha256 text NOT NULL, link_expires_at timestamptz NOT NULL,
    submitted_at timestamptz, submitted_via text, phq9 int, gad7 int, wsas int,
    phq9_band text, gad7_band text, risk_level text
);
CREATE INDEX IF NOT EXISTS forms_instance_case ON forms_instance (case_id, submitted_at);
CREATE UNIQUE INDEX IF NOT EXISTS forms_instance_link ON forms_instance (link_sha256);
CREATE TABLE IF NOT EXISTS forms_flag (
    flag_id uuid PRIMARY KEY, version bigint NOT NULL, case_id uuid NOT NULL,
    site_id text NOT NULL, form_id uuid NOT NULL, level text NOT NULL, codes text[] NOT NULL,
    escalated boolean NOT NULL, raised_at timestamptz NOT NULL,
    acknowledged_at timestamptz, acknowledged_by text, action text
);
CREATE INDEX IF NOT EXISTS forms_flag_open ON forms_flag (site_id, raised_at)
    WHERE acknowledged_at IS NULL;
CREATE INDEX IF NOT EXISTS forms_flag_case ON forms_flag (case_id, raised_at);
CREATE TABLE IF NOT EXISTS forms_outcome (
    outcome_id uuid PRIMARY KEY, case_id uuid NOT NULL, site_id text NOT NULL,
    course_id uuid, ended_on date NOT NULL, finished boolean NOT NULL,
    at_caseness_at_start boolean NOT NULL, reliable_improvement boolean NOT NULL,
    recovered boolean NOT NULL, reliable_recovery boolean NOT NULL
);
CREATE TABLE IF NOT EXISTS forms_peq_answer (
    form_id uuid NOT NULL, link_id text NOT NULL, site_id text NOT NULL, month date NOT NULL,
    code text NOT NULL, PRIMARY KEY (form_id, link_id)
);
CREATE TABLE IF NOT EXISTS forms_attendance (
    session_id uuid PRIMARY KEY, case_id uuid NOT NULL, attended boolean NOT NULL
);
"""


def _upsert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    return (
        f"INSERT INTO {table} AS t ({names}) VALUES ({values})"
        f" {newer_version_replaces(columns[0], names, 't')}"
    )


FORM_COLUMNS = (
    "form_id", "version", "case_id", "site_id", "purpose", "course_id", "session_id",
    "session_number", "status", "due_at", "link_sha256", "link_expires_at", "submitted_at",
    "submitted_via", "phq9", "gad7", "wsas", "phq9_band", "gad7_band", "risk_level",
)  # fmt: skip
FLAG_COLUMNS = (
    "flag_id", "version", "case_id", "site_id", "form_id", "level", "codes", "escalated",
    "raised_at", "acknowledged_at", "acknowledged_by", "action",
)  # fmt: skip
UPSERT_FORM = _upsert("forms_instance", FORM_COLUMNS)
UPSERT_FLAG = _upsert("forms_flag", FLAG_COLUMNS)
INSERT_OUTCOME = (
    "INSERT INTO forms_outcome VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    " ON CONFLICT DO NOTHING"
)
INSERT_PEQ = "INSERT INTO forms_peq_answer VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"


async def ensure_schema(conn: asyncpg.Connection) -> None:
    await create_idempotently(conn, SCHEMA)
    await escalations.ensure_schema(conn)


def form_row(form: FormInstance) -> tuple[Any, ...]:
    r = form.response or {}
    scores, bands = r.get("scores", {}), r.get("bands", {})
    return (
        form.id, form.version, form.case_id, form.site_id, form.purpose, form.course_id,
        form.session_id, form.session_number, form.status, form.due_at, form.link_sha256,
        form.link_expires_at, r.get("submitted_at"), r.get("submitted_via"),
        scores.get("phq9"), scores.get("gad7"), scores.get("wsas"), bands.get("phq9"),
        bands.get("gad7"), r.get("risk_level"),
    )  # fmt: skip


def flag_row(flag: RiskFlag) -> tuple[Any, ...]:
    ack = flag.acknowledgement or {}
    return (
        flag.id, flag.version, flag.case_id, flag.site_id, flag.form_id, flag.level,
        flag.codes, flag.escalated, flag.raised_at, ack.get("acknowledged_at"), ack.get("by"),
        ack.get("action"),
    )  # fmt: skip


def outcome_row(o: CourseOutcome) -> tuple[Any, ...]:
    m = o.measures
    return (
        o.id, o.case_id, o.site_id, o.course_id, o.ended_on, m["finished"],
        m["at_caseness_at_start"], m["reliable_improvement"], m["recovered"],
        m["reliable_recovery"],
    )  # fmt: skip


def peq_rows(form: FormInstance) -> list[tuple[Any, ...]]:
    if form.purpose != "feedback" or form.status != COMPLETED or form.response is None:
        return []
    month = form.response["submitted_at"].date().replace(day=1)
    answers = form.response["answers"].get("peq", {})
    coded = {k: v for k, v in answers.items() if k != "peq-9"}  # the free-text item stays out
    return [(form.id, link_id, form.site_id, month, code) for link_id, code in coded.items()]


async def project(conn: asyncpg.Connection, aggregates: Sequence[Any]) -> None:
    forms = [a for a in aggregates if isinstance(a, FormInstance)]
    flags = [a for a in aggregates if isinstance(a, RiskFlag)]
    outcomes = [a for a in aggregates if isinstance(a, CourseOutcome)]
    if forms:
        await conn.executemany(UPSERT_FORM, [form_row(f) for f in forms])
        peq = [row for f in forms for row in peq_rows(f)]
        if peq:
            await conn.executemany(INSERT_PEQ, peq)
    if flags:
        await conn.executemany(UPSERT_FLAG, [flag_row(f) for f in flags])
    if outcomes:
        await conn.executemany(INSERT_OUTCOME, [outcome_row(o) for o in outcomes])
    await escalations.project(conn, aggregates)
