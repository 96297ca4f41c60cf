from datetime import date, timedelta

from services.intake.waiting import breaches, days_waited

REFERRED = date(2026, 1, 5)


def test_the_wait_counts_days_from_referral_less_closed_and_open_pauses():
    today = REFERRED + timedelta(days=60)
    assert days_waited(REFERRED, today, paused_days=0, paused_since=None) == 60
    assert days_waited(REFERRED, today, paused_days=7, paused_since=None) == 53
    assert days_waited(REFERRED, today, paused_days=7, paused_since=today - timedelta(3)) == 50


def test_the_wait_is_never_negative():
    assert days_waited(REFERRED, REFERRED, paused_days=0, paused_since=REFERRED) == 0


def test_past_six_weeks_means_more_than_42_days_and_past_eighteen_more_than_126():
    assert breaches(42) == {"past_6_weeks": False, "past_18_weeks": False}
    assert breaches(43) == {"past_6_weeks": True, "past_18_weeks": False}
    assert breaches(126) == {"past_6_weeks": True, "past_18_weeks": False}
    assert breaches(127) == {"past_6_weeks": True, "past_18_weeks": True}
