"""The form's and the flag's rules: a form takes one response and no change after it; a
cancelled form takes none; a flag is acknowledged once. And the domain stays pure (STYLE.md
rule 1): the standard library, eventsourcing.domain and the pure forms modules only."""

import ast
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

import services.forms
from services.forms.application import FormsApplication
from services.forms.domain import RiskFlag
from services.forms.errors import NotAllowed
from services.forms.responses import build_response
from shared.envelope import Actor, Meta
from shared.mapping import build_mapper
from tests.unit.forms.factories import pre_session

META = Meta(actor=Actor(id="t-1", role="therapist"), correlation_id="c").for_event()
NOW = datetime.now(UTC)
PURE = ("domain", "clinical", "errors", "scoring", "risk_rules", "outcomes", "validation",
        "responses", "fhir", "page", "catalogue/__init__", "catalogue/model",
        "catalogue/phq9", "catalogue/others")  # fmt: skip


def new_form():  # type: ignore[no-untyped-def]
    return FormsApplication(store=None).pre_session_form(  # type: ignore[arg-type]
        case_id=uuid4(), site_id="north", course_id=uuid4(), session_id=uuid4(),
        session_number=1, starts_at=NOW + timedelta(days=1), meta=META,
    )  # fmt: skip


def submitted(form):  # type: ignore[no-untyped-def]
    response, _ = build_response(form, pre_session(), via="staff", at=NOW, new_flag_id=uuid4())
    form.submit(response=response, meta=META)
    return form


def test_a_completed_form_takes_no_second_response_and_no_move_or_cancellation() -> None:
    form = submitted(new_form())
    with pytest.raises(NotAllowed, match="completed"):
        submitted(form)
    with pytest.raises(NotAllowed):
        form.move(due_at=NOW, link_expires_at=NOW, meta=META)
    with pytest.raises(NotAllowed):
        form.cancel(reason="session_cancelled", meta=META)


def test_a_cancelled_form_takes_no_response_and_no_new_link() -> None:
    form = new_form()
    form.cancel(reason="session_cancelled", meta=META)
    with pytest.raises(NotAllowed, match="cancelled"):
        submitted(form)
    with pytest.raises(NotAllowed):
        form.reissue_link(link_token="t", link_sha256="a" * 64, link_expires_at=NOW, meta=META)


def test_a_flag_is_acknowledged_once_by_whoever_did_it() -> None:
    flag = RiskFlag(id=uuid4(), form_id=uuid4(), case_id=uuid4(), site_id="north",
                    level="high", codes=["self_harm_plans"], rules_version=1, escalated=True,
                    escalated_to=None, raised_at=NOW, meta=META)  # fmt: skip
    flag.acknowledge(action="contacted_client", note="n", note_sha256="b" * 64,
                     acknowledged_at=NOW, meta=META)  # fmt: skip
    assert flag.acknowledgement is not None and flag.acknowledgement["by"] == "t-1"
    with pytest.raises(NotAllowed):
        flag.acknowledge(action="contacted_client", note="n", note_sha256="b" * 64,
                         acknowledged_at=NOW, meta=META)  # fmt: skip


def test_the_domain_modules_are_pure() -> None:
    package = Path(services.forms.__file__).parent
    pure = {"services.forms." + m.replace("/", ".").removesuffix(".__init__") for m in PURE}
    allowed = {"eventsourcing.domain", "services.forms"} | pure
    for module in PURE:
        tree = ast.parse((package / f"{module}.py").read_text())
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        foreign = {
            name for name in names
            if name.split(".")[0] not in sys.stdlib_module_names
            and name not in allowed
        }  # fmt: skip
        assert foreign == set(), module


def test_a_flag_stored_before_escalations_named_the_duty_clinician_reads_as_naming_nobody():
    flag = RiskFlag(id=uuid4(), form_id=uuid4(), case_id=uuid4(), site_id="north",
                    level="high", codes=["self_harm_plans"], rules_version=1, escalated=True,
                    escalated_to="duty-1", raised_at=NOW, meta=META)  # fmt: skip
    mapper = build_mapper(None)
    stored = mapper.to_stored_event(flag.collect_events()[0])
    state = json.loads(stored.state)
    del state["escalated_to"]
    state["class_version"] = 1  # as version 1 of the event was stored
    old = replace(stored, state=json.dumps(state).encode())
    assert mapper.to_domain_event(old).escalated_to is None
