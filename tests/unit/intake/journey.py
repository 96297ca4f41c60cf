"""One run of every intake command through the application (over the in-memory fake), with
distinctive personal details and free texts, so tests can check every event it produces."""

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from services.intake.application import ClientDetails
from services.intake.codes import CONFIDENTIALITY_AGREEMENT, RECORDING_CONSENT, THERAPY_CONTRACT
from services.intake.domain import Case
from shared.envelope import Actor, Meta
from tests.unit.intake.fakes import InMemoryIntake

CLIENT = ClientDetails(
    name="Marguerite Quennell-Ashdown",
    phone="07700 900461",
    email="m.quennell@example.org",
    address="14 Larkspur Row, Hebden Bridge",
    date_of_birth=date(1979, 2, 28),
    nhs_number="4010232137",
)
TEXTS = {
    "notes": "wants to talk about her brother's silence",
    "pause": "inpatient stay at the cottage hospital",
    "reason": "long-standing pattern of placating a critical partner",
    "reallocation": "first therapist on extended leave",
    "withdrawal": "does not want recordings kept",
    "letter": "Dear Marguerite, over sixteen weeks we noticed...",
    "decision": "access granted in full after identity checks",
    "erasure": "care record kept under a duty of confidentiality",
    "self_representation": "the one who keeps the peace",
    "other_representation": "quick to anger and withdraw",
    "affect": "dread mixed with guilt",
    "defensive_function": "spares her from being rejected",
}
DAY = date(2026, 1, 5)


def staff(role: str = "intake_worker") -> Meta:
    return Meta(actor=Actor(id="staff-77", role=role), correlation_id="corr-1")


async def run_every_command(intake: InMemoryIntake) -> UUID:
    """Returns the id of the case that went from enquiry to discharge."""
    case_id = await _enquiries_and_templates(intake)
    await _into_treatment(intake, case_id)
    await _therapy_and_discharge(intake, case_id)
    await intake.correct_client_details(case_id, corrected={"phone": "07700 900999"}, meta=staff())
    await _data_requests(intake, case_id)
    return case_id


async def _enquiries_and_templates(intake: InMemoryIntake) -> UUID:
    m = staff()
    for kind in (THERAPY_CONTRACT, CONFIDENTIALITY_AGREEMENT, RECORDING_CONSENT):
        await intake.publish_template(kind, title=f"{kind} v1", text=f"text of {kind}", meta=m)
    enquiries = [
        await intake.receive_enquiry(
            site_id="east", contact=CLIENT, notes=TEXTS["notes"], received_on=DAY, meta=m
        )
        for _ in range(2)
    ]
    await intake.close_enquiry(enquiries[0].id, closure="no_contact", closed_on=DAY, meta=m)
    case = await intake.refer_enquiry(
        enquiries[1].id, referral_source="self", referral_date=DAY, client=CLIENT, meta=m
    )
    return case.id


async def _into_treatment(intake: InMemoryIntake, case_id: UUID) -> None:
    m, at = staff(), datetime(2026, 1, 9, 10, tzinfo=UTC)
    await intake.book_assessment(case_id, scheduled_for=at, assessor_id="assessor-1", meta=m)
    await intake.pause_waiting(case_id, paused_from=date(2026, 1, 6), reason=TEXTS["pause"], meta=m)
    await intake.resume_waiting(case_id, resumed_on=date(2026, 1, 8), meta=m)
    await intake.record_assessment_outcome(
        case_id,
        suitable=True,
        ending_code=None,
        reason=TEXTS["reason"],
        assessed_on=date(2026, 1, 9),
        meta=m,
    )
    await intake.allocate_therapist(
        case_id, therapist_id="therapist-1", allocated_on=date(2026, 1, 12), meta=m
    )
    await intake.reallocate_therapist(
        case_id,
        therapist_id="therapist-2",
        reallocated_on=date(2026, 1, 13),
        reason=TEXTS["reallocation"],
        meta=m,
    )


async def _therapy_and_discharge(intake: InMemoryIntake, case_id: UUID) -> None:
    t = staff("therapist")
    consents = {}
    for kind in (THERAPY_CONTRACT, CONFIDENTIALITY_AGREEMENT, RECORDING_CONSENT):
        _, consents[kind] = await intake.record_consent(
            case_id,
            document=kind,
            template_version=1,
            signed_by="representative",
            signatory_name="Hilary Quennell",
            witnessed_by="therapist-2",
            method="paper_scanned",
            signed_at=datetime(2026, 1, 19, 9, tzinfo=UTC),
            meta=t,
        )
    await intake.record_first_treatment_attended(
        case_id, attended_on=date(2026, 1, 19), appointment_type="02", meta=t
    )
    await intake.withdraw_consent(
        case_id,
        consents[RECORDING_CONSENT],
        withdrawn_on=date(2026, 1, 26),
        reason=TEXTS["withdrawal"],
        meta=t,
    )
    parts = {k: TEXTS[k] for k in ("self_representation", "other_representation", "affect")}
    parts["defensive_function"] = TEXTS["defensive_function"]
    await intake.record_ipaf(case_id, parts=parts, agreed_on=date(2026, 2, 2), meta=t)
    await intake.write_goodbye_letter(
        case_id, text=TEXTS["letter"], letter_date=date(2026, 4, 27), meta=t
    )
    # What intake's consumer of scheduling's events does when the course completes.
    case = await intake._get(Case, case_id)
    case.record_course_completed(
        course_id=uuid4(),
        completed_on=date(2026, 4, 27),
        sessions_attended=16,
        meta=intake._meta(t, case.id, case.site_id),
    )
    await intake._save(case)
    await intake.discharge_case(case_id, ending_code="46", discharged_on=date(2026, 5, 4), meta=t)


async def _data_requests(intake: InMemoryIntake, case_id: UUID) -> None:
    m = staff()
    for kind, decision, reason in (
        ("access", "granted", "decision"),
        ("erasure", "refused", "erasure"),
    ):
        request = await intake.record_data_request(
            case_id, kind=kind, received_on=date(2026, 6, 1), meta=m
        )
        await intake.decide_data_request(
            case_id,
            request.id,
            decision=decision,
            reason=TEXTS[reason],
            decided_on=date(2026, 6, 2),
            meta=m,
        )
        if decision == "granted":
            await intake.export_subject_access(case_id, request.id, meta=m)


def personal_values() -> list[str]:
    details = [str(v) for v in CLIENT.plain().values()]
    names = [*CLIENT.name.replace("-", " ").split(), "Hilary Quennell"]
    return [*details, *names, *TEXTS.values()]
