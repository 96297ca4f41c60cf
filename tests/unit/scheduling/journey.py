"""A course through every kind of event: planned, consents, attended, cancelled and
rebooked, a break, two did-not-attends and a decision, a re-plan, a reallocation, a discharge;
and a site with a room and a closure."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from services.scheduling.domain import Course
from services.scheduling.site import Site
from tests.unit.scheduling.factories import (
    META,
    by_number,
    calendar,
    ids,
    opened_course,
    planned_course,
)

SECRET = "family visit to Aunt Jane"  # a free text that must never leave the store


def after(session) -> datetime:
    return session.starts_at + timedelta(minutes=5)


def whole_course() -> Course:
    course = planned_course(first_date=date(2026, 1, 12))
    contract = uuid4()
    course.note_consent(
        consent_id=contract, document="therapy_contract", withdrawn=False, meta=META
    )
    course.note_consent(
        consent_id=uuid4(), document="confidentiality_agreement", withdrawn=False, meta=META
    )
    for number in (1, 2):
        s = by_number(course)[number]
        course.record_attendance(session_id=s.session_id, code="5", now=after(s), meta=META)
    third = by_number(course)[3]
    course.cancel(
        session_id=third.session_id,
        code="2",
        calendar=calendar(),
        now=after(third),
        new_id=uuid4(),
        meta=META,
    )
    course.plan_break(
        break_id=uuid4(),
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 8),
        kind="client_holiday",
        description=SECRET,
        calendar=calendar(),
        now=after(third),
        meta=META,
    )
    for number in (3, 4):
        s = by_number(course)[number]
        course.record_attendance(session_id=s.session_id, code="3", now=after(s), meta=META)
    course.decide(decision="continue", meta=META)
    dna = by_number(course)[4]
    course.rebook(
        session_id=dna.session_id, calendar=calendar(), now=after(dna), new_id=uuid4(), meta=META
    )
    s5 = by_number(course)[5]
    course.rebook(
        session_id=s5.session_id,
        calendar=calendar(),
        now=after(dna),
        new_id=uuid4(),
        pick=(s5.day + timedelta(days=1), "11:00"),
        meta=META,
    )
    course.replan(
        from_date=date(2026, 4, 1),
        weekday="thursday",
        local_time="15:00",
        mode="video",
        room_id=None,
        calendar=calendar(),
        now=after(dna),
        meta=META,
    )
    course.reallocate(
        therapist_id="therapist-2",
        reallocated_on=date(2026, 3, 1),
        clashing={by_number(course)[8].session_id},
        now=after(dna),
        meta=META,
    )
    course.note_consent(consent_id=contract, document="therapy_contract", withdrawn=True, meta=META)
    course.close(closed_on=date(2026, 3, 20), now=datetime(2026, 3, 20, tzinfo=UTC), meta=META)
    return course


def completed_course() -> Course:
    course = planned_course(sessions=2)
    for document in ("therapy_contract", "confidentiality_agreement"):
        course.note_consent(consent_id=uuid4(), document=document, withdrawn=False, meta=META)
    for s in course.live_sessions():
        course.record_attendance(session_id=s.session_id, code="6", now=after(s), meta=META)
    return course


def backdated_course() -> Course:
    """Held before the site went live: entered by the site manager, then attended from notes."""
    course = opened_course()
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    course.plan_backdated(reason="held_before_go_live", first_date=date(2026, 1, 12),
                          local_time="10:00", mode="video", room_id=None, sessions=2,
                          calendar=calendar(), now=now, new_ids=ids(), meta=META)  # fmt: skip
    first = by_number(course)[1]
    course.record_attendance(session_id=first.session_id, code="5", now=now, meta=META)
    return course


def a_site() -> Site:
    site = Site.register(
        site_id="north", name="North Centre", time_zone=None, opening_hours=None, meta=META
    )
    site.add_room(room_id="room-1", name="Blue room", meta=META)
    site.plan_closure(
        closure_id=uuid4(),
        starts_on=date(2026, 8, 3),
        ends_on=date(2026, 8, 7),
        reason=SECRET,
        meta=META,
    )
    return site
