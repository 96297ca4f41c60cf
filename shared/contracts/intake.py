"""Contracts of the intake service's events."""

from datetime import date
from typing import Literal

from shared.contracts import EventContract

ReferralSource = Literal["self", "gp", "other_professional", "other"]


class ReferralReceived(EventContract):
    type = "intake.ReferralReceived"

    referral_source: ReferralSource
    referral_date: date
