"""Faults over time (analysis/selectors/trends.py): an athlete's faults per week, the coach's
team row (last upload, waiting for review, frequent faults), both on their pages, and only
from sets the viewer may see."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analysis.selectors.trends import TREND_WEEKS, fault_trends, team_overview
from tests.conftest import make_session


def _set(athlete, days_ago: int, faults_per_rep: list[list[str]], *, exercise="deadlift"):
    session = make_session(athlete, reps=len(faults_per_rep))
    session.performed_at = timezone.localdate() - timedelta(days=days_ago)
    session.exercise = exercise
    session.save()
    for rep, faults in zip(session.analysis.reps.order_by("index"), faults_per_rep, strict=True):
        rep.detected_faults, rep.not_judged_reason = faults, ""
        rep.save()
    return session


def test_the_athletes_faults_are_counted_per_week_with_the_coachs_label_first(athlete_a, coach_a):
    _set(athlete_a, 0, [["knee_dominant"], ["knee_dominant"], []])
    old = _set(athlete_a, 14, [["hips_rise_first"], ["knee_dominant"]])
    rep = old.analysis.reps.get(index=1)  # the coach says: not hips first, rounded back
    rep.label, rep.faults = "anomalous", ["rounded_back"]
    rep.save()
    _set(athlete_a, 7 * TREND_WEEKS + 7, [["jerky"]])  # too old to show
    _set(athlete_a, 1, [["above_parallel"]], exercise="squat")  # another lift

    trends = fault_trends(athlete_a, coach_a, "deadlift")
    assert len(trends["weeks"]) == TREND_WEEKS
    by_fault = {f["fault"]: f for f in trends["faults"]}
    assert list(by_fault) == ["knee_dominant", "rounded_back"]  # most frequent first
    knee = by_fault["knee_dominant"]
    assert knee["total"] == 3 and knee["cells"][-1] == {"count": 2, "reps": 3}
    assert knee["cells"][-3] == {"count": 1, "reps": 2}  # two weeks ago
    assert "hips_rise_first" not in by_fault and "jerky" not in by_fault

    page = Client()
    page.force_login(athlete_a)
    html = page.get(reverse("athlete_dashboard") + "?lift=deadlift").content.decode()
    assert 'data-testid="trend-knee_dominant"' in html and "2/3" in html


def test_the_coachs_team_row_and_nothing_of_athletes_not_theirs(athlete_a, athlete_b, coach_a):
    _set(athlete_a, 2, [["knee_dominant"], ["knee_dominant"], ["bar_drift"]])
    reviewed = _set(athlete_a, 3, [["bar_drift"]])
    reviewed.reviewed_at = timezone.now()
    reviewed.save()
    _set(athlete_b, 1, [["rounded_back"]])  # not on coach_a's roster

    rows = team_overview(coach_a, [athlete_a, athlete_b])
    a, b = rows
    assert a["waiting"] == 1 and a["last_upload"] is not None
    assert a["faults"][0] == {"name": "knee dominant", "count": 2}
    assert {"name": "bar drift", "count": 2} in a["faults"]
    assert b == {"athlete": athlete_b, "last_upload": None, "waiting": 0, "faults": []}

    page = Client()
    page.force_login(coach_a)
    html = page.get(reverse("coach_dashboard")).content.decode()
    assert 'data-testid="team-row"' in html and "knee dominant" in html
    assert "rounded back <span" not in html
