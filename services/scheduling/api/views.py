"""Responses of the scheduling API: times both in UTC and at the site's wall clock."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from services.scheduling.domain import Course
from services.scheduling.sessions import Session
from services.scheduling.site import Site


class SessionOut(BaseModel):
    session_id: UUID
    session_number: int
    phase: str
    status: str  # booked | held | cancelled | discounted
    attendance_code: str  # NHS code; "0" while in the future
    local_start: str
    time_zone: str
    starts_at: datetime  # UTC
    ends_at: datetime
    therapist_id: str
    mode: str
    room_id: str | None
    replaces_session_id: UUID | None
    to_rebook: bool
    history: list[dict[str, Any]]

    @classmethod
    def of(cls, s: Session) -> "SessionOut":
        return cls(
            session_id=s.session_id,
            session_number=s.number,
            phase=s.phase,
            status=s.status,
            attendance_code=s.code or "0",
            local_start=s.local_start,
            time_zone=s.zone,
            starts_at=s.starts_at.astimezone(UTC),
            ends_at=s.ends_at.astimezone(UTC),
            therapist_id=s.therapist_id,
            mode=s.mode,
            room_id=s.room_id,
            replaces_session_id=s.replaces,
            to_rebook=s.to_rebook,
            history=s.history,
        )


class CourseOut(BaseModel):
    case_id: UUID
    course_id: UUID
    version: int
    status: str
    site_id: str
    therapist_id: str
    sessions_planned: int
    pattern: dict[str, Any] | None
    sessions: list[SessionOut]  # every session, cancelled ones too, in order of time
    breaks: list[dict[str, Any]]
    counts: dict[str, int]
    missing_consents: list[str]
    treatment_withdrawn: bool
    at_risk: list[int] | None
    decisions: list[dict[str, Any]]
    ended: dict[str, Any] | None
    rebooked_session_id: UUID | None = None
    sessions_moved: int | None = None

    @classmethod
    def of(cls, course: Course, **extra: Any) -> "CourseOut":
        sessions = sorted(course.sessions.values(), key=lambda s: (s.starts_at, s.number))
        return cls(
            case_id=course.case_id,
            course_id=course.id,
            version=course.version,
            status=course.status,
            site_id=course.site_id,
            therapist_id=course.therapist_id,
            sessions_planned=course.sessions_planned,
            pattern=vars(course.pattern) if course.pattern else None,
            sessions=[SessionOut.of(s) for s in sessions],
            breaks=course.breaks,
            counts=course.tally(),
            missing_consents=course.missing_consents,
            treatment_withdrawn=course.treatment_withdrawn,
            at_risk=course.at_risk,
            decisions=course.decisions,
            ended=course.ended,
            **extra,
        )


class AppointmentOut(BaseModel):
    """A row of a diary: a session or an assessment."""

    reservation_id: UUID
    kind: str
    case_id: UUID | None
    session_number: int | None
    phase: str | None
    status: str
    attendance_code: str | None
    site_id: str | None
    therapist_id: str
    room_id: str | None
    mode: str | None
    local_start: str
    time_zone: str
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, row: Any) -> "AppointmentOut":
        return cls(**{name: row[name] for name in cls.model_fields})


class SiteOut(BaseModel):
    site_id: str
    name: str
    time_zone: str
    opening_hours: dict[str, list[str]]
    rooms: dict[str, str]
    closures: list[dict[str, Any]]
    version: int

    @classmethod
    def of(cls, site: Site) -> "SiteOut":
        return cls(
            site_id=site.site_id,
            name=site.name,
            time_zone=site.time_zone,
            opening_hours=site.opening_hours,
            rooms=site.rooms,
            closures=site.closures,
            version=site.version,
        )


class ClosureOut(SiteOut):
    sessions_moved: int
    not_moved: list[dict[str, str]]  # courses a clash kept from moving: rebook by hand


__all__ = ["AppointmentOut", "CourseOut", "SiteOut"]
