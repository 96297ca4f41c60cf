"""The stages of a case and the named refusal of a command in the wrong stage. Pure.

Stages are ordered: referred -> assessment_booked -> waiting -> active -> discharged. Every
command is allowed in a run of consecutive stages; outside it, the error says whether the
case is not there yet, has moved past, or is discharged, and names the stage it is in.
A pause of the waiting clock is orthogonal to the stage (the episode of care is then onhold).
"""

from datetime import date

from services.intake import errors

STAGES = ("referred", "assessment_booked", "waiting", "active", "discharged")
REFERRED, ASSESSMENT_BOOKED, WAITING, ACTIVE, DISCHARGED = STAGES
OPEN = STAGES[:-1]

# FHIR EpisodeOfCare status of each open stage (onhold while paused; finished or cancelled
# when discharged, by whether treatment had started).
EPISODE_OF = {REFERRED: "planned", ASSESSMENT_BOOKED: "planned", WAITING: "waitlist"}
EPISODE_OF[ACTIVE] = "active"

_TOO_EARLY = {
    ASSESSMENT_BOOKED: errors.AssessmentNotBooked,
    WAITING: errors.NotOnWaitingList,
    ACTIVE: errors.CaseNotAllocated,
}
_TOO_LATE = {
    ASSESSMENT_BOOKED: errors.AssessmentAlreadyRecorded,
    WAITING: errors.CaseAlreadyAllocated,
}


def require(stage: str, state: str, action: str, allowed: tuple[str, ...]) -> None:
    """Raise the named error unless `stage` is one of `allowed` (consecutive stages)."""
    if stage in allowed:
        return
    if stage == DISCHARGED:
        raise errors.CaseIsDischarged(action, state)
    if STAGES.index(stage) < STAGES.index(allowed[0]):
        raise _TOO_EARLY[allowed[0]](action, state)
    raise _TOO_LATE[allowed[-1]](action, state)


def not_before(field: str, value: date, earliest: date, rule: str, what: str) -> None:
    """Dates in order within the case: `value` no earlier than `earliest` (`what` it is);
    the refusal names the rule."""
    if value < earliest:
        message = f"must be on or after {earliest.isoformat()}, {what} (rule: {rule})"
        raise errors.InvalidInput(field, message)
