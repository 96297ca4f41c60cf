"""Contracts of the scheduling service's events: the course of therapy of a case, its
sessions, and the sites' calendars. Ids, codes, dates and times only: no names, no free
text (a closure's or a break's description stays in the scheduling store).

Times: `starts_at`/`ends_at` are UTC instants; `local_start` is the wall-clock time at the
site (`time_zone`), which is the truth a session keeps across clock changes. Each field's
name is the name of the domain event's attribute it is read from.
"""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from shared.contracts import EventContract

StaffId = Annotated[str, Field(min_length=1, max_length=64)]
SiteId = Annotated[str, Field(min_length=1, max_length=64)]
RoomId = Annotated[str, Field(min_length=1, max_length=64)]
LocalTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM")]
LocalStart = Annotated[
    str,
    Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", description="wall clock at the site"),
]
TimeZone = Annotated[str, Field(min_length=1, max_length=64, description="IANA zone")]

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Phase = Literal["initial", "middle", "ending"]
Mode = Literal["room", "video", "phone"]
# NHS Data Dictionary attendance codes that staff record (0, "in the future", is implied).
AttendanceCode = Literal["5", "6", "7", "2", "4", "3"]
CancellationCode = Literal["2", "4"]  # by the client, by the provider
BreakKind = Literal["therapist_leave", "client_holiday", "site_closure"]
MoveReason = Literal[
    "closure",
    "outside_opening_hours",
    "break",
    "replan",
    "rebooked",
    "cancellation",
    "reallocation",
]
RiskDecision = Literal["continue", "replan", "recommend_discharge"]
ClosedBecause = Literal["discharged"]
ConsentDocument = Literal["therapy_contract", "confidentiality_agreement"]


class CourseOpened(EventContract):
    """Intake allocated a therapist: the course waits to be planned."""

    type = "scheduling.CourseOpened"
    case_id: UUID
    course_id: UUID
    site_id: SiteId
    therapist_id: StaffId
    allocated_on: date


class CoursePlanned(EventContract):
    type = "scheduling.CoursePlanned"
    case_id: UUID
    course_id: UUID
    first_date: date
    weekday: Weekday
    local_time: LocalTime
    time_zone: TimeZone
    mode: Mode
    room_id: RoomId | None
    sessions_planned: int = Field(ge=1, le=40)
    duration_minutes: int = Field(ge=1)


class CoursePlanBackdated(EventContract):
    """A course held before the site went live, entered later by the site manager (the
    envelope's actor) from its paper records: the CoursePlanned that follows starts in the
    past. The reason is a code from a closed list."""

    type = "scheduling.CoursePlanBackdated"
    case_id: UUID
    course_id: UUID
    first_date: date
    reason: Literal["held_before_go_live"]


class CourseReplanned(EventContract):
    """New weekday, time or place from `from_date` on; sessions held before stay."""

    type = "scheduling.CourseReplanned"
    case_id: UUID
    course_id: UUID
    from_date: date
    weekday: Weekday
    local_time: LocalTime
    time_zone: TimeZone
    mode: Mode
    room_id: RoomId | None


class SessionBooked(EventContract):
    type = "scheduling.SessionBooked"
    case_id: UUID
    site_id: SiteId
    course_id: UUID
    session_id: UUID
    session_number: int = Field(ge=1)
    phase: Phase
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    local_start: LocalStart
    time_zone: TimeZone
    therapist_id: StaffId
    mode: Mode
    room_id: RoomId | None
    appointment_type: Literal["02"]
    replaces_session_id: UUID | None


class SessionMoved(EventContract):
    """A booked session at a new time (or with a new therapist): was, now, why."""

    type = "scheduling.SessionMoved"
    case_id: UUID
    course_id: UUID
    session_id: UUID
    session_number: int = Field(ge=1)
    phase: Phase
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    local_start: LocalStart
    was_starts_at: AwareDatetime
    reason: MoveReason
    therapist_id: StaffId
    mode: Mode
    room_id: RoomId | None


class SessionCancelled(EventContract):
    type = "scheduling.SessionCancelled"
    case_id: UUID
    course_id: UUID
    session_id: UUID
    session_number: int = Field(ge=1)
    attendance_code: CancellationCode
    rebooked_session_id: UUID | None


class AttendanceRecorded(EventContract):
    """`first_attended`: the case's first attended treatment session (intake stops the
    waiting clock on it)."""

    type = "scheduling.AttendanceRecorded"
    case_id: UUID
    course_id: UUID
    session_id: UUID
    session_number: int = Field(ge=1)
    phase: Phase
    starts_at: AwareDatetime
    attendance_code: AttendanceCode
    attended: bool
    first_attended: bool
    appointment_type: Literal["02"]


class DidNotAttendDiscounted(EventContract):
    """The therapist decided a did-not-attend does not use up a session: it is rebooked."""

    type = "scheduling.DidNotAttendDiscounted"
    case_id: UUID
    course_id: UUID
    session_id: UUID
    session_number: int = Field(ge=1)
    rebooked_session_id: UUID


class BreakPlanned(EventContract):
    type = "scheduling.BreakPlanned"
    case_id: UUID
    course_id: UUID
    break_id: UUID
    starts_on: date
    ends_on: date
    kind: BreakKind
    sessions_moved: int = Field(ge=0)


class CourseAtRisk(EventContract):
    """Two did-not-attends in a row: the therapist is asked to review the course."""

    type = "scheduling.CourseAtRisk"
    case_id: UUID
    course_id: UUID
    therapist_id: StaffId
    session_numbers: list[int]


class RiskDecisionRecorded(EventContract):
    type = "scheduling.RiskDecisionRecorded"
    case_id: UUID
    course_id: UUID
    decision: RiskDecision


class ConsentGateChanged(EventContract):
    """What intake's consent events mean for treatment: the documents missing (signed and
    not withdrawn), and whether a withdrawal stopped treatment sessions."""

    type = "scheduling.ConsentGateChanged"
    case_id: UUID
    course_id: UUID
    missing_consents: list[ConsentDocument]
    treatment_withdrawn: bool


class CourseReallocated(EventContract):
    """Remaining sessions move to the new therapist; those clashing with the new
    therapist's diary are listed for rebooking."""

    type = "scheduling.CourseReallocated"
    case_id: UUID
    course_id: UUID
    therapist_id: StaffId
    previous_therapist_id: StaffId
    reallocated_on: date
    to_rebook: list[UUID]


class CourseClosed(EventContract):
    type = "scheduling.CourseClosed"
    case_id: UUID
    course_id: UUID
    closed_because: ClosedBecause
    closed_on: date
    cancelled_sessions: int = Field(ge=0)


class CourseCompleted(EventContract):
    type = "scheduling.CourseCompleted"
    case_id: UUID
    course_id: UUID
    therapist_id: StaffId
    sessions_attended: int = Field(ge=0)
    completed_on: date


class SiteRegistered(EventContract):
    type = "scheduling.SiteRegistered"
    site_id: SiteId
    time_zone: TimeZone
    opening_hours: dict[Weekday, list[LocalTime]]  # weekday -> [opens, closes]


class RoomAdded(EventContract):
    type = "scheduling.RoomAdded"
    site_id: SiteId
    room_id: RoomId


class ClosurePlanned(EventContract):
    type = "scheduling.ClosurePlanned"
    site_id: SiteId
    closure_id: UUID
    starts_on: date
    ends_on: date
