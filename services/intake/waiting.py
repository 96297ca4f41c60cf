"""The waiting-time clock (DOMAIN.md, Waiting times): from the referral date to the first
attended treatment session, less recorded pauses (start, end, reason). Pure domain; the
pause commands are a base class of Case (domain.py).

A pause from `start` to `end` takes `end - start` days off the wait (`end` exclusive); an
open pause counts up to the day the wait is measured. Standards: 75% within 6 weeks, 95%
within 18 weeks.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate, event

from services.intake import errors
from services.intake.codes import EIGHTEEN_WEEKS_DAYS, SIX_WEEKS_DAYS
from services.intake.stages import OPEN, not_before, require


@dataclass(frozen=True)
class Pause:
    start: date
    end: date | None
    reason: str  # free text: stays in the intake store


def days_waited(
    referral_date: date, until: date, paused_days: int, paused_since: date | None
) -> int:
    """Days from referral to `until`, less `paused_days` of closed pauses and any open pause."""
    open_pause = max(0, (until - paused_since).days) if paused_since else 0
    return max(0, (until - referral_date).days - paused_days - open_pause)


def breaches(waited: int) -> dict[str, bool]:
    return {"past_6_weeks": waited > SIX_WEEKS_DAYS, "past_18_weeks": waited > EIGHTEEN_WEEKS_DAYS}


class WaitingClock(Aggregate):
    if TYPE_CHECKING:  # attributes that Case sets
        status: str

        @property
        def state(self) -> str: ...  # a property of Case

        referral_date: date
        first_treatment_on: date | None
        ending: dict[str, Any] | None
        pauses: list[Pause]

        def _note_episode(self, since: date) -> None: ...

    @property
    def open_pause(self) -> Pause | None:
        return self.pauses[-1] if self.pauses and self.pauses[-1].end is None else None

    @property
    def paused_days(self) -> int:
        """Days of the pauses that have ended."""
        return sum((p.end - p.start).days for p in self.pauses if p.end is not None)

    def days_waited(self, today: date) -> int:
        """The wait so far, or until the clock stopped (first treatment, or the case ended)."""
        until = self.first_treatment_on or (self.ending or {}).get("on") or today
        since = self.open_pause.start if self.open_pause else None
        return days_waited(self.referral_date, until, self.paused_days, since)

    def pause(
        self, *, paused_from: date, reason: str, reason_digest: dict[str, Any], meta: dict
    ) -> None:
        action = "pause the waiting clock"
        require(self.status, self.state, action, OPEN)
        if self.first_treatment_on:
            raise errors.TreatmentAlreadyStarted(action, self.state, why="the clock has stopped")
        if self.open_pause:
            raise errors.CaseIsPaused(action, self.state)
        last_end = self.pauses[-1].end if self.pauses else self.referral_date
        assert last_end is not None  # no open pause, so the last one has ended
        not_before("paused_from", paused_from, last_end, "pause_after_referral_and_pauses",
                   "the referral or the last pause's end")  # fmt: skip
        self._pause_started(
            paused_from=paused_from, reason=reason, reason_digest=reason_digest, meta=meta
        )

    @event("PauseStarted")
    def _pause_started(
        self, paused_from: date, reason: str, reason_digest: dict[str, Any], meta: dict
    ) -> None:
        self.pauses.append(Pause(start=paused_from, end=None, reason=reason))
        self._note_episode(paused_from)

    def resume(self, *, resumed_on: date, meta: dict) -> None:
        require(self.status, self.state, "resume the waiting clock", OPEN)
        if not self.open_pause:
            raise errors.CaseNotPaused("resume the waiting clock", self.state)
        self._end_open_pause(resumed_on, "resumed_on", meta)

    def _end_open_pause(self, on: date, field: str, meta: dict) -> None:
        """Close a pause that is open when the clock stops or the case ends (its own event)."""
        if self.open_pause:
            not_before(field, on, self.open_pause.start, "after_pause_start", "the pause's start")
            self._pause_ended(resumed_on=on, meta=meta)

    @event("PauseEnded")
    def _pause_ended(self, resumed_on: date, meta: dict) -> None:
        self.pauses[-1] = replace(self.pauses[-1], end=resumed_on)
        self._note_episode(resumed_on)
