"""Booking and moving the sessions of a course, and laying them out again after a change
(a break, a re-plan, a rebooking). A base class of Course (domain.py); pure.

Public methods of Course compute where sessions go; the `@event` methods here only record.
Every event carries the case and course ids (forms and the audit replay read them).
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from services.scheduling.errors import NotFound
from services.scheduling.layout import Break, Busy, Pattern, lay_out, phase_of
from services.scheduling.moves import Moves
from services.scheduling.sessions import BOOKED, Session
from services.scheduling.site_calendar import Calendar

# What a lay-out places: an existing session (moved), or a new one (number, id, replaces).
Entry = Session | tuple[int, UUID, UUID | None]


class Booking(Moves):
    if TYPE_CHECKING:  # attributes that Course sets
        case_id: UUID
        site_id: str
        therapist_id: str
        sessions: dict[UUID, Session]
        sessions_planned: int
        pattern: Pattern | None
        breaks: list[dict[str, Any]]

    def session(self, session_id: UUID) -> Session:
        if session_id not in self.sessions:
            raise NotFound(f"the course has no session {session_id}")
        return self.sessions[session_id]

    def live_sessions(self) -> list[Session]:
        return sorted((s for s in self.sessions.values() if s.live), key=lambda s: s.starts_at)

    def booked_sessions(self) -> list[Session]:
        return [s for s in self.live_sessions() if s.status == BOOKED]

    def break_periods(self) -> list[Break]:
        return [Break(b["starts_on"], b["ends_on"]) for b in self.breaks]

    def _lay_out_again(
        self,
        entries: Sequence[Entry],
        calendar: Calendar,
        first_week: date,
        not_before: datetime,
        reason: str,
        meta: dict,
        busy: Busy | None = None,
    ) -> None:
        """Place the entries weekly from `first_week` in order, on the current pattern, on
        days the diaries (`busy`) leave free."""
        assert self.pattern is not None
        numbers = [e.number if isinstance(e, Session) else e[0] for e in entries]
        breaks = self.break_periods()
        placements = lay_out(numbers, self.pattern, calendar, breaks, first_week, not_before, busy)
        for entry, placed in zip(entries, placements, strict=True):
            why, detail = placed.reason or reason, placed.detail
            if isinstance(entry, Session):
                self._move(entry, placed.day, self.pattern, why, detail, meta)
            else:
                number, session_id, replaces = entry
                self._book(number, placed.day, self.pattern, session_id, meta, replaces, why)

    def _book(
        self,
        number: int,
        day: date,
        pattern: Pattern,
        session_id: UUID,
        meta: dict,
        replaces: UUID | None = None,
        reason: str | None = None,
        detail: str | None = None,
        expected: date | None = None,
    ) -> None:
        phase = phase_of(number, self.sessions_planned)
        s = Session(
            session_id,
            number,
            phase,
            day,
            pattern.at,
            pattern.zone,
            self.therapist_id,
            pattern.mode,
            pattern.room_id,
        )
        self._session_booked(
            case_id=self.case_id,
            course_id=self.id,
            site_id=self.site_id,
            session_id=session_id,
            session_number=number,
            phase=phase,
            **s.when(),
            time_zone=s.zone,
            therapist_id=s.therapist_id,
            mode=s.mode,
            room_id=s.room_id,
            appointment_type="02",
            replaces_session_id=replaces,
            reason=reason,
            detail=detail,
            expected_local_start=f"{expected.isoformat()}T{pattern.at}" if expected else None,
            meta=meta,
        )

    @event("SessionBooked")
    def _session_booked(
        self,
        case_id: UUID,
        site_id: str,
        course_id: UUID,
        session_id: UUID,
        session_number: int,
        phase: str,
        starts_at: datetime,
        ends_at: datetime,
        local_start: str,
        time_zone: str,
        therapist_id: str,
        mode: str,
        room_id: str | None,
        appointment_type: str,
        replaces_session_id: UUID | None,
        reason: str | None,
        detail: str | None,
        expected_local_start: str | None,
        meta: dict,
    ) -> None:
        day, at = date.fromisoformat(local_start[:10]), local_start[11:]
        session = Session(
            session_id,
            session_number,
            phase,
            day,
            at,
            time_zone,
            therapist_id,
            mode,
            room_id,
            replaces_session_id,
        )
        if reason:
            was = expected_local_start if expected_local_start != local_start else None
            session.history.append(
                {"was": was, "now": local_start, "why": reason, "detail": detail}
            )
        self.sessions[session_id] = session
