"""Moving a booked session (a new time, place or therapist, with its history: was, now,
why) and cancelling one. A base class of Course through Booking (booking.py); pure."""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import event

from services.scheduling.layout import Pattern
from services.scheduling.sessions import CANCELLED, Session
from services.scheduling.states import CourseState


class Moves(CourseState):
    if TYPE_CHECKING:  # attributes that Course sets
        case_id: UUID
        sessions: dict[UUID, Session]

    def _move(
        self,
        session: Session,
        day: date,
        pattern: Pattern,
        reason: str,
        detail: str | None,
        meta: dict,
        therapist_id: str | None = None,
    ) -> bool:
        """Move a booked session; False when nothing changes."""
        moved = replace(
            session,
            day=day,
            at=pattern.at,
            zone=pattern.zone,
            mode=pattern.mode,
            room_id=pattern.room_id,
            therapist_id=therapist_id or session.therapist_id,
        )
        same = (moved.starts_at, moved.mode, moved.room_id, moved.therapist_id) == (
            session.starts_at,
            session.mode,
            session.room_id,
            session.therapist_id,
        )
        if same and not session.to_rebook:
            return False
        self._session_moved(
            case_id=self.case_id,
            course_id=self.id,
            session_id=session.session_id,
            session_number=session.number,
            phase=session.phase,
            **moved.when(),
            time_zone=moved.zone,
            was_starts_at=session.starts_at.astimezone(UTC),
            reason=reason,
            detail=detail,
            therapist_id=moved.therapist_id,
            mode=moved.mode,
            room_id=moved.room_id,
            meta=meta,
        )
        return True

    @event("SessionMoved")
    def _session_moved(
        self,
        case_id: UUID,
        course_id: UUID,
        session_id: UUID,
        session_number: int,
        phase: str,
        starts_at: datetime,
        ends_at: datetime,
        local_start: str,
        time_zone: str,
        was_starts_at: datetime,
        reason: str,
        detail: str | None,
        therapist_id: str,
        mode: str,
        room_id: str | None,
        meta: dict,
    ) -> None:
        s = self.sessions[session_id]
        s.history.append(
            {
                "was": s.local_start,
                "now": local_start,
                "why": reason,
                "detail": detail,
                "therapist_id": therapist_id,
            }
        )
        s.day, s.at, s.zone = date.fromisoformat(local_start[:10]), local_start[11:], time_zone
        s.therapist_id, s.mode, s.room_id, s.to_rebook = therapist_id, mode, room_id, False

    @event("SessionCancelled")
    def _session_cancelled(
        self,
        case_id: UUID,
        course_id: UUID,
        session_id: UUID,
        session_number: int,
        attendance_code: str,
        rebooked_session_id: UUID | None,
        meta: dict,
    ) -> None:
        self.sessions[session_id].status = CANCELLED
        self.sessions[session_id].code = attendance_code
