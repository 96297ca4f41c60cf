"""Small builders for the course rules' tests: a site calendar, a course, a plan."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from itertools import count
from uuid import UUID, uuid4, uuid5

from services.scheduling.bank_holidays import bank_holidays
from services.scheduling.domain import Course
from services.scheduling.site_calendar import Calendar

META = {
    "actor": {"id": "therapist-1", "role": "therapist"},
    "correlation_id": "test",
    "causation_id": None,
    "case_id": None,
    "site_id": "north",
}
EARLY = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # "now" before every plan of these tests


def calendar(rooms: tuple[str, ...] = ("room-1",), **closures: str) -> Calendar:
    closed = bank_holidays(range(2026, 2031))
    closed.update({date.fromisoformat(day): why for day, why in closures.items()})
    return Calendar("north", rooms=frozenset(rooms), closures=closed)


def ids() -> Iterator[UUID]:
    return (uuid5(UUID(int=0), str(n)) for n in count())


def opened_course(therapist_id: str = "therapist-1") -> Course:
    case_id = uuid4()
    return Course.open(
        case_id=case_id,
        site_id="north",
        therapist_id=therapist_id,
        allocated_on=date(2026, 1, 2),
        meta={**META, "case_id": str(case_id)},
    )


def planned_course(
    first_date: date = date(2026, 1, 12),
    local_time: str = "10:00",
    sessions: int = 16,
    cal: Calendar | None = None,
    mode: str = "room",
) -> Course:
    course = opened_course()
    course.plan(
        first_date=first_date,
        local_time=local_time,
        mode=mode,
        room_id="room-1" if mode == "room" else None,
        sessions=sessions,
        calendar=cal or calendar(),
        now=EARLY,
        new_ids=ids(),
        meta=META,
    )
    return course


def by_number(course: Course) -> dict[int, object]:
    return {s.number: s for s in course.live_sessions()}


def sign_consents(course: Course) -> None:
    for document in ("therapy_contract", "confidentiality_agreement"):
        course.note_consent(consent_id=uuid4(), document=document, withdrawn=False, meta=META)
