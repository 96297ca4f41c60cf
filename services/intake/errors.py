"""The intake domain's error family. The API maps it to HTTP in one place (api/errors.py):
NotAllowed -> 409, InvalidInput -> 422, NotFound -> 404. Pure: no imports beyond stdlib."""


class IntakeError(Exception):
    """Base of every error the intake domain raises on purpose."""


class NotAllowed(IntakeError):
    """A command that the current state of a case (an enquiry, a request) does not allow."""

    def __init__(self, action: str, state: str, subject: str = "case", why: str = ""):
        self.action = action
        self.state = state
        self.subject = subject
        super().__init__(f"Cannot {action}: the {subject} is {state}" + (f"; {why}" if why else ""))


class CaseIsDischarged(NotAllowed):
    """The case is finished: nothing more may happen to it."""


class AssessmentNotBooked(NotAllowed):
    """The command needs an assessment to be booked first."""


class AssessmentAlreadyRecorded(NotAllowed):
    """The assessment's outcome is recorded: the case has moved past assessment."""


class NotOnWaitingList(NotAllowed):
    """The command needs a client assessed as suitable and waiting."""


class CaseNotAllocated(NotAllowed):
    """The command needs the case to be allocated to a therapist."""


class CaseAlreadyAllocated(NotAllowed):
    """The case has a therapist already (use reallocation)."""


class SameTherapist(NotAllowed):
    """Reallocation to the therapist the case already has."""


class CaseIsPaused(NotAllowed):
    """The waiting clock is paused already."""


class CaseNotPaused(NotAllowed):
    """There is no open pause to end."""


class TreatmentAlreadyStarted(NotAllowed):
    """The first treatment session was attended: the waiting clock has stopped."""


class TreatmentNotStarted(NotAllowed):
    """The command needs a first attended treatment session."""


class EndingCodeNotApplicable(NotAllowed):
    """The ending code does not fit the case's stage (taken on for treatment or not)."""


class ConsentAlreadyWithdrawn(NotAllowed):
    """The consent was withdrawn before."""


class EnquiryNotOpen(NotAllowed):
    """The enquiry became a referral or was closed."""


class RequestAlreadyDecided(NotAllowed):
    """A data-subject request has its decision already."""


class RequestNotGranted(NotAllowed):
    """A subject access export needs an access request that was granted."""


class DuplicateReferral(NotAllowed):
    """A referral for an NHS number whose case is still open, not confirmed a new episode."""

    def __init__(self, case_id: object):
        self.case_id = case_id
        super().__init__(
            "receive the referral",
            f"in open case {case_id}",
            subject="NHS number",
            why="send new_episode: true if this is a new episode of care",
        )


class InvalidInput(IntakeError):
    """A value that the domain rules refuse, named by its field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UnknownTemplateVersion(InvalidInput):
    """Consent for a template version that was never published."""


class NotFound(IntakeError):
    """A part of a case (a consent, say) that does not exist."""
