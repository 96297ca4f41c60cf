"""Enquiries, consent templates and data-subject requests."""

from datetime import date
from uuid import uuid4

import pytest

from services.intake import errors
from services.intake.codes import THERAPY_CONTRACT, sha256_hex
from services.intake.data_requests import DataSubjectRequest
from services.intake.enquiry import Enquiry
from services.intake.templates import DocumentTemplate, template_id
from tests.unit.intake.factories import meta

DAY = date(2026, 3, 2)


def enquiry() -> Enquiry:
    return Enquiry(
        id=uuid4(),
        case_id=uuid4(),
        site_id="north",
        contact={"name": "N"},
        notes="chat",
        received_on=DAY,
        meta=meta(),
    )


def request(kind: str) -> DataSubjectRequest:
    return DataSubjectRequest(
        id=uuid4(), case_id=uuid4(), site_id="north", kind=kind, received_on=DAY, meta=meta()
    )


def test_an_enquiry_becomes_a_referral_once_and_then_cannot_be_closed():
    e = enquiry()
    e.convert(converted_on=DAY, meta=meta())
    with pytest.raises(errors.EnquiryNotOpen, match="the enquiry is converted"):
        e.convert(converted_on=DAY, meta=meta())
    with pytest.raises(errors.EnquiryNotOpen, match="Cannot close the enquiry"):
        e.close(closure="no_contact", closed_on=DAY, meta=meta())


def test_an_enquiry_cannot_be_referred_before_it_was_received():
    with pytest.raises(errors.InvalidInput) as invalid:
        enquiry().convert(converted_on=date(2026, 1, 1), meta=meta())
    assert invalid.value.field == "referral_date"


def test_template_versions_are_numbered_from_one_with_the_digest_of_their_text():
    template = DocumentTemplate.create(THERAPY_CONTRACT, meta=meta())
    first = template.publish(title="Contract", text="v1 text", meta=meta())
    second = template.publish(title="Contract", text="v2 text", meta=meta())
    assert (first.version, second.version) == (1, 2)
    assert template.published_version(1).text_sha256 == sha256_hex("v1 text")
    assert template.id == template_id(THERAPY_CONTRACT)


def test_an_unknown_template_version_is_invalid_input_naming_the_field():
    template = DocumentTemplate.create(THERAPY_CONTRACT, meta=meta())
    template.publish(title="Contract", text="v1", meta=meta())
    with pytest.raises(errors.UnknownTemplateVersion) as unknown:
        template.published_version(2)
    assert unknown.value.field == "template_version"


def test_erasure_of_a_care_record_is_refused_under_article_17_3_with_the_reason_kept():
    erasure = request("erasure")
    with pytest.raises(errors.InvalidInput, match=r"Art\. 17\(3\)") as granted:
        erasure.decide(decision="granted", reason="-", decided_on=DAY, meta=meta())
    assert granted.value.field == "decision"
    erasure.decide(decision="refused", reason="care record", decided_on=DAY, meta=meta())
    assert erasure.decision == {
        "decision": "refused",
        "legal_basis": "uk_gdpr_art_17_3",
        "reason": "care record",
        "decided_on": DAY,
    }


def test_a_request_is_decided_once():
    access = request("access")
    access.decide(decision="granted", reason="ok", decided_on=DAY, meta=meta())
    with pytest.raises(errors.RequestAlreadyDecided, match="the request is granted on 2026-03-02"):
        access.decide(decision="refused", reason="no", decided_on=DAY, meta=meta())
