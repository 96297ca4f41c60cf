"""The scheduling domain's error family. The API maps it to HTTP in one place
(api/errors.py): NotAllowed -> 409, InvalidInput -> 422, NotFound -> 404. Pure."""


class SchedulingError(Exception):
    """Base of every error the scheduling domain raises on purpose."""


class NotAllowed(SchedulingError):
    """A command the state of the course (or of a session) does not allow."""

    def __init__(self, action: str, why: str):
        self.action = action
        self.why = why
        super().__init__(f"Cannot {action}: {why}")


class CourseIsClosed(NotAllowed):
    """The case was discharged: the course is closed."""


class CourseIsCompleted(NotAllowed):
    """The last session was attended."""


class CourseNotPlanned(NotAllowed):
    """The command needs a planned course."""


class CourseAlreadyPlanned(NotAllowed):
    """Plan once; change it with a re-plan."""


class SessionNotStarted(NotAllowed):
    """Attendance is recorded once a session has started."""


class AttendanceAlreadyRecorded(NotAllowed):
    """A session's attendance is recorded once."""


class SessionNotBooked(NotAllowed):
    """The session was cancelled, or already held."""


class ConsentMissing(NotAllowed):
    """Treatment needs the therapy contract and the confidentiality agreement."""


class CourseNotAtRisk(NotAllowed):
    """A decision answers a course at risk."""


class Clash(NotAllowed):
    """A therapist or a room is booked at that time already (found by the database)."""


class InvalidInput(SchedulingError):
    """A value the rules refuse, named by its field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class NotFound(SchedulingError):
    """A course, a session or a site that does not exist."""
