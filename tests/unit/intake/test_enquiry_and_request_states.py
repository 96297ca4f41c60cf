"""Every state-guarded command of an enquiry and of a data-subject request, in every state:
allowed ones leave it in the state they mean, refused ones raise the named error, name the
state, and record nothing."""

from datetime import timedelta

import pytest

from services.intake import errors
from services.intake.data_requests import DataSubjectRequest
from services.intake.enquiry import Enquiry
from tests.unit.intake.factories import meta
from tests.unit.intake.test_around_the_case import DAY, enquiry, request

ENQUIRY_COMMANDS = {
    "make the enquiry a referral": (
        lambda e: e.convert(converted_on=DAY, meta=meta()),
        lambda e: e.status == "converted",
    ),
    "close the enquiry": (
        lambda e: e.close(closure="no_further_contact", closed_on=DAY, meta=meta()),
        lambda e: e.status == "closed" and e.closure == "no_further_contact",
    ),
}


def enquiry_in(state: str) -> Enquiry:
    e = enquiry()
    if state == "converted":
        e.convert(converted_on=DAY, meta=meta())
    elif state == "closed":
        e.close(closure="no_further_contact", closed_on=DAY, meta=meta())
    return e


ENQUIRY_CASES = [(a, s) for a in ENQUIRY_COMMANDS for s in ("open", "converted", "closed")]


@pytest.mark.parametrize(
    ("action", "state"), ENQUIRY_CASES, ids=[f"{a} when {s}" for a, s in ENQUIRY_CASES]
)
def test_an_enquiry_command_is_allowed_only_while_it_is_open(action, state):
    run, then = ENQUIRY_COMMANDS[action]
    e = enquiry_in(state)
    version = e.version

    if state == "open":
        run(e)
        assert e.version > version and then(e)
        return
    with pytest.raises(errors.EnquiryNotOpen) as refused:
        run(e)

    assert str(refused.value).startswith(f"Cannot {action}: the enquiry is {state}")
    assert e.version == version and e.status == state


def request_in(state: str, kind: str) -> DataSubjectRequest:
    r = request(kind)
    if state == "decided":
        r.decide(decision="refused", reason="first", decided_on=DAY, meta=meta())
    return r


REQUEST_CASES = [(k, s) for k in ("access", "erasure") for s in ("received", "decided")]


@pytest.mark.parametrize(
    ("kind", "state"), REQUEST_CASES, ids=[f"{k} request when {s}" for k, s in REQUEST_CASES]
)
def test_a_data_request_is_decided_only_while_undecided(kind, state):
    r = request_in(state, kind)
    version = r.version
    later = DAY + timedelta(days=3)

    def decide() -> None:
        r.decide(decision="refused", reason="second", decided_on=later, meta=meta())

    if state == "received":
        decide()
        assert r.version > version and r.decision is not None
        assert (r.decision["decision"], r.decision["decided_on"]) == ("refused", later)
        return
    with pytest.raises(errors.RequestAlreadyDecided) as refused:
        decide()

    assert str(refused.value).startswith(
        f"Cannot decide the request: the request is refused on {DAY}"
    )
    assert r.version == version and r.decision is not None and r.decision["reason"] == "first"
