"""Intake and scheduling over the real Kafka: an allocation opens one course even when it is
delivered twice; the first attended session reaches intake's case as
FirstTreatmentAttended, once; a discharge cancels the sessions to come; a consent withdrawn
in intake blocks attendance in scheduling."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer

from services.scheduling import errors
from services.scheduling.domain import course_id_of
from services.scheduling.policies import IntakePolicies
from shared.consumer import Consumer
from shared.envelope import Envelope
from shared.kafka import ensure_topics
from tests.conftest import KAFKA, unique_topic
from tests.integration.intake.steps import allocated, staff
from tests.integration.pipeline_helpers import run_until
from tests.integration.scheduling.conftest import META
from tests.integration.scheduling.pipeline import pipeline

REFERRED = date(2026, 1, 1)
FIRST = date(2026, 1, 12)


async def planned(p, therapist: str) -> tuple:
    case_id = await allocated(p.intake, REFERRED, therapist)
    await p.until(lambda: _has_course(p, case_id))
    course = await p.scheduling.plan_course(
        case_id,
        first_date=FIRST,
        local_time="10:00",
        mode="video",
        room_id=None,
        sessions=16,
        meta=META,
    )
    return case_id, course


async def _has_course(p, case_id) -> bool:
    try:
        await p.scheduling.course(case_id)
        return True
    except errors.NotFound:
        return False


def session(course, number: int):
    return next(s for s in course.live_sessions() if s.number == number)


async def sign(p, case_id, document: str):
    await p.intake.publish_template(document, title=document, text="text", meta=staff())
    _, consent_id = await p.intake.record_consent(
        case_id,
        document=document,
        template_version=1,
        signed_by="client",
        signatory_name=None,
        witnessed_by="staff-1",
        method="electronic",
        signed_at=datetime(2026, 1, 10, tzinfo=UTC),
        meta=staff(),
    )
    return consent_id


async def test_an_allocation_delivered_twice_opens_one_course(scheduling, scheduling_pool):
    async with pipeline() as p:
        case_id = await allocated(p.intake, REFERRED, f"t-{uuid4().hex[:8]}")
        allocation = (await p.intake.store.events(case_id))[-1]
        value = Envelope.of("intake", allocation).kafka_value()
    topic = unique_topic("intake")
    await ensure_topics(KAFKA, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA)
    await producer.start()
    try:
        for _ in range(2):  # the same event, at two offsets (a relay that republished)
            await producer.send_and_wait(topic, value, partition=0)
    finally:
        await producer.stop()
    consumer = Consumer(
        f"s-{uuid4().hex[:8]}",
        [topic],
        KAFKA,
        scheduling_pool,
        IntakePolicies(scheduling.store).handle,
    )
    await run_until(consumer, lambda: _tracked_past(scheduling_pool, consumer.name, 1))
    events = await scheduling.store.events(course_id_of(case_id))
    assert [type(e).__name__ for e in events] == ["CourseOpened"]


async def _tracked_past(pool, consumer: str, offset: int) -> bool:
    tracked = await pool.fetchval(
        "SELECT max(kafka_offset) FROM tracking WHERE consumer = $1", consumer
    )
    return tracked is not None and tracked >= offset


async def test_the_first_attended_session_reaches_intake_once():
    async with pipeline() as p:
        case_id, course = await planned(p, f"t-{uuid4().hex[:8]}")
        for document in ("therapy_contract", "confidentiality_agreement"):
            await sign(p, case_id, document)
        await p.until(lambda: _consents_given(p, case_id))
        for number in (1, 2):
            p.clock.now = session(course, number).starts_at + timedelta(minutes=5)
            course, _ = await p.scheduling.record_attendance(
                case_id, session(course, number).session_id, code="5", meta=META
            )
        await p.until(lambda: _first_treatment_on(p, case_id))
        case = await p.intake.store.get(case_id)
        assert case.first_treatment_on == FIRST
        await asyncio.sleep(2)  # time for a second reaction, if there were one
        names = [type(e).__name__ for e in await p.intake.store.events(case_id)]
        assert names.count("FirstTreatmentAttended") == 1


async def _consents_given(p, case_id) -> bool:
    return not (await p.scheduling.course(case_id)).missing_consents


async def _first_treatment_on(p, case_id) -> bool:
    return (await p.intake.store.get(case_id)).first_treatment_on is not None


async def test_a_discharge_cancels_the_sessions_to_come_and_closes_the_course():
    async with pipeline() as p:
        case_id, course = await planned(p, f"t-{uuid4().hex[:8]}")
        p.clock.now = session(course, 3).starts_at - timedelta(days=1)
        await p.intake.discharge_case(
            case_id, ending_code="14", discharged_on=date(2026, 1, 25), meta=staff()
        )
        await p.until(lambda: _closed(p, case_id))
        course = await p.scheduling.course(case_id)
        cancelled = sorted(s.number for s in course.sessions.values() if s.code == "4")
        assert cancelled == list(range(3, 17))
        assert course.ended["closed_on"] == date(2026, 1, 25)
        reserved = await p.scheduling.store.pool.fetchval(
            "SELECT count(*) FROM scheduling_reservations WHERE course_id = $1", course.id
        )
        assert reserved == 2  # sessions 1 and 2 keep their place in the diary


async def _closed(p, case_id) -> bool:
    return (await p.scheduling.course(case_id)).status == "closed"


async def test_a_consent_withdrawn_in_intake_blocks_attendance():
    async with pipeline() as p:
        case_id, course = await planned(p, f"t-{uuid4().hex[:8]}")
        contract = await sign(p, case_id, "therapy_contract")
        await sign(p, case_id, "confidentiality_agreement")
        await p.until(lambda: _consents_given(p, case_id))
        await p.intake.withdraw_consent(
            case_id, contract, withdrawn_on=date(2026, 1, 11), reason="changed mind", meta=staff()
        )
        await p.until(lambda: _withdrawn(p, case_id))
        first = session(course, 1)
        p.clock.now = first.starts_at + timedelta(minutes=5)
        with pytest.raises(errors.ConsentMissing, match="withdrawn"):
            await p.scheduling.record_attendance(case_id, first.session_id, code="5", meta=META)


async def _withdrawn(p, case_id) -> bool:
    return (await p.scheduling.course(case_id)).treatment_withdrawn
