"""A completed course reaches intake over the real Kafka: scheduling's CourseCompleted is
recorded on the case as TreatmentCourseCompleted exactly once, even when the event comes
again (redelivered, or republished under a new id); the therapist's caseload shows the case
waiting for its ending, and a discharge dated before the completion is refused."""

import asyncio
from datetime import date, timedelta
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer

from services.intake import errors as intake_errors
from services.intake.queries import IntakeQueries
from shared.envelope import Envelope
from tests.conftest import KAFKA
from tests.integration.intake.steps import allocated, staff
from tests.integration.scheduling.conftest import META
from tests.integration.scheduling.pipeline import pipeline
from tests.integration.scheduling.test_scheduling_with_intake import (
    REFERRED,
    _consents_given,
    _has_course,
    session,
    sign,
)

FIRST = date(2026, 1, 12)


async def test_a_completed_course_is_recorded_on_the_intake_case_once():
    async with pipeline() as p:
        therapist = f"t-{uuid4().hex[:8]}"
        case_id = await allocated(p.intake, REFERRED, therapist)
        await p.until(lambda: _has_course(p, case_id))
        course = await p.scheduling.plan_course(
            case_id,
            first_date=FIRST,
            local_time="10:00",
            mode="video",
            room_id=None,
            sessions=2,
            meta=META,
        )
        for document in ("therapy_contract", "confidentiality_agreement"):
            await sign(p, case_id, document)
        await p.until(lambda: _consents_given(p, case_id))
        for number in (1, 2):
            p.clock.now = session(course, number).starts_at + timedelta(minutes=5)
            course, _ = await p.scheduling.record_attendance(
                case_id, session(course, number).session_id, code="5", meta=META
            )
        await p.until(lambda: _completed(p, case_id))

        case = await p.intake.store.get(case_id)
        assert case.course_completed == {
            "course_id": course.id,
            "completed_on": FIRST + timedelta(weeks=1),
            "sessions_attended": 2,
        }
        assert case.status == "active"  # the ending code is the clinician's to choose
        completed = (await p.scheduling.store.events(course.id))[-1]
        value = Envelope.of("scheduling", completed)
        again = value.model_copy(update={"event_id": uuid4()})  # republished, a new id
        await _publish(p.scheduling_topic, value.kafka_value(), again.kafka_value())
        await asyncio.sleep(3)  # time for a second reaction, if there were one
        names = [type(e).__name__ for e in await p.intake.store.events(case_id)]
        assert names.count("TreatmentCourseCompleted") == 1

        caseload = await IntakeQueries(p.intake.store).caseload(therapist)
        assert [(c["case_id"], c["course_completed_on"]) for c in caseload] == [
            (case_id, FIRST + timedelta(weeks=1))
        ]
        with pytest.raises(intake_errors.InvalidInput, match="discharged_on"):
            await p.intake.discharge_case(
                case_id, ending_code="46", discharged_on=FIRST, meta=staff()
            )
        await p.intake.discharge_case(
            case_id, ending_code="46", discharged_on=FIRST + timedelta(weeks=2), meta=staff()
        )


async def _completed(p, case_id) -> bool:
    return (await p.intake.store.get(case_id)).course_completed is not None


async def _publish(topic: str, *values: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, partition=0)
    finally:
        await producer.stop()
