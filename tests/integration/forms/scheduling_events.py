"""Scheduling's events as forms receives them: envelopes built from the real contracts
(shared/contracts/scheduling.py), delivered to the handler or published to Kafka."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from shared.consumer import Delivered
from shared.contracts import EventContract
from shared.contracts import scheduling as s
from shared.envelope import Actor, Envelope
from shared.kafka import reliable_producer

TOPIC = "scheduling.events"


@dataclass
class Course:
    """One case's course at a site, making the events scheduling would publish."""

    site_id: str = field(default_factory=lambda: f"site-{uuid4().hex[:8]}")
    case_id: UUID = field(default_factory=uuid4)
    course_id: UUID = field(default_factory=uuid4)
    version: int = 0

    def envelope(self, contract: EventContract) -> Envelope:
        self.version += 1
        return Envelope(
            event_id=uuid4(), type=contract.type, schema_version=contract.schema_version,
            case_id=self.case_id, site_id=self.site_id, originator_id=self.course_id,
            originator_version=self.version, occurred_at=datetime.now(UTC),
            actor=Actor(id="staff-test", role="admin"), correlation_id=str(uuid4()),
            causation_id=None, data=contract.model_dump(mode="json"),
        )  # fmt: skip

    def booked(self, number: int, starts_at: datetime, session_id: UUID | None = None):  # type: ignore[no-untyped-def]
        return self.envelope(s.SessionBooked(
            case_id=self.case_id, site_id=self.site_id, course_id=self.course_id,
            session_id=session_id or uuid4(), session_number=number,
            phase="initial" if number <= 4 else "middle", starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=50),
            local_start=starts_at.strftime("%Y-%m-%dT%H:%M"), time_zone="Europe/London",
            therapist_id="therapist-1", mode="room", room_id="room-1", appointment_type="02",
            replaces_session_id=None,
        ))  # fmt: skip

    def moved(self, booked: Envelope, starts_at: datetime) -> Envelope:
        d = booked.data
        return self.envelope(s.SessionMoved(
            case_id=self.case_id, course_id=self.course_id, session_id=d["session_id"],
            session_number=d["session_number"], phase=d["phase"], starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=50),
            local_start=starts_at.strftime("%Y-%m-%dT%H:%M"), was_starts_at=d["starts_at"],
            reason="replan", therapist_id="therapist-1", mode="room", room_id="room-1",
        ))  # fmt: skip

    def cancelled(self, booked: Envelope) -> Envelope:
        d = booked.data
        return self.envelope(s.SessionCancelled(
            case_id=self.case_id, course_id=self.course_id, session_id=d["session_id"],
            session_number=d["session_number"], attendance_code="2", rebooked_session_id=None,
        ))  # fmt: skip

    def attended(self, booked: Envelope) -> Envelope:
        d = booked.data
        return self.envelope(s.AttendanceRecorded(
            case_id=self.case_id, course_id=self.course_id, session_id=d["session_id"],
            session_number=d["session_number"], phase=d["phase"], starts_at=d["starts_at"],
            attendance_code="5", attended=True, first_attended=d["session_number"] == 1,
            appointment_type="02",
        ))  # fmt: skip

    def completed(self, attended: int) -> Envelope:
        return self.envelope(s.CourseCompleted(
            case_id=self.case_id, course_id=self.course_id, therapist_id="therapist-1",
            sessions_attended=attended, completed_on=date.today(),
        ))  # fmt: skip


def delivered(*envelopes: Envelope, offset: int = 0) -> list[Delivered]:
    return [Delivered(e, TOPIC, 0, offset + n) for n, e in enumerate(envelopes)]


async def publish(bootstrap: str, *envelopes: Envelope) -> None:
    producer = reliable_producer(bootstrap)
    await producer.start()
    try:
        for e in envelopes:
            await producer.send_and_wait(TOPIC, e.kafka_value(), key=e.kafka_key(),
                                         headers=e.kafka_headers())  # fmt: skip
    finally:
        await producer.stop()


def in_days(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
