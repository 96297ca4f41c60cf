"""The case page lists who viewed the case lately, newest first, and says how many earlier
views the replay holds: a case read every day for a year is not a page of thousands of rows."""

from services.gateway.web.case import VIEWS_SHOWN, _views


def history_with(views: int) -> dict:
    return {"state": {"views": [{"by": f"staff-{n}", "at": f"t{n}"} for n in range(views)]}}


def test_a_much_viewed_case_shows_the_latest_views_newest_first_and_counts_the_rest():
    shown, earlier = _views(history_with(VIEWS_SHOWN + 150))
    assert [v["by"] for v in shown[:2]] == [
        f"staff-{VIEWS_SHOWN + 149}",
        f"staff-{VIEWS_SHOWN + 148}",
    ]
    assert (len(shown), earlier) == (VIEWS_SHOWN, 150)
    assert shown[-1]["by"] == "staff-150"


def test_a_case_viewed_a_few_times_shows_every_view():
    shown, earlier = _views(history_with(3))
    assert ([v["by"] for v in shown], earlier) == (["staff-2", "staff-1", "staff-0"], 0)


def test_a_case_not_yet_in_the_ledger_shows_no_views():
    assert _views(None) == ([], 0)
