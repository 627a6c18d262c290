"""An athlete's progress counts what the coach decided: good reps by final verdict (the
coach's label first), load, volume and estimated 1RM per set, per-rep tempo and angles,
sets of one day told apart, and only what the viewer may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analysis.models import Rep
from analysis.selectors.sessions import athlete_progress, progress_points, progress_sessions
from analysis.services.rep_counts import rep_not_a_rep
from reviews.services.labels import rep_label
from sets.models import TrainingSession
from tests.conftest import PERSONA_PASSWORD, make_session

DAY = dt.date(2026, 3, 12)


def _set(athlete, *, day=DAY, at=(9, 0), load="100.0", reps=3, verdicts=("good", "anomalous")):
    """A finished set on `day`, uploaded at `at` (hour, minute), with `load` kg."""
    session = make_session(athlete, reps=reps, verdicts=verdicts)
    created = timezone.make_aware(dt.datetime.combine(day, dt.time(*at)))
    TrainingSession.objects.filter(pk=session.pk).update(
        performed_at=day, created_at=created, load_kg=Decimal(load) if load else None
    )
    session.refresh_from_db()
    return session


def _reps(session) -> list[Rep]:
    return list(session.analysis.reps.order_by("index"))


def _point(athlete, viewer, session) -> dict:
    return next(p for p in athlete_progress(athlete, viewer) if p["session_id"] == session.pk)


@pytest.mark.django_db
def test_a_coach_label_overrides_the_model_in_the_good_share(athlete_a, coach_a):
    session = _set(athlete_a)  # model: good, unusual, good
    assert _point(athlete_a, coach_a, session)["good_share"] == pytest.approx(2 / 3, abs=1e-4)
    reps = _reps(session)
    rep_label(rep=reps[1], author=coach_a, label="good")  # the coach: the unusual one is fine
    point = _point(athlete_a, coach_a, session)
    assert (point["good"], point["judged"], point["good_share"]) == (3, 3, 1.0)
    rep_label(rep=reps[0], author=coach_a, label="anomalous", faults=["rounded_back"])
    point = _point(athlete_a, coach_a, session)
    assert (point["good"], point["judged"]) == (2, 3)
    assert [r["outcome"] for r in point["rep_list"]] == ["faults", "good", "good"]


@pytest.mark.django_db
def test_reps_nobody_could_judge_are_left_out_of_the_share(athlete_a, coach_a):
    session = _set(athlete_a, reps=4, verdicts=("good", "anomalous"))  # good, unusual x2
    reps = _reps(session)
    Rep.objects.filter(pk=reps[1].pk).update(not_judged_reason="Body out of the picture.")
    Rep.objects.filter(pk=reps[3].pk).update(verdict=None, score=None)  # nothing judged it
    point = _point(athlete_a, coach_a, session)
    assert point["reps"] == 4 and point["judged"] == 2 and point["good"] == 2
    assert point["good_share"] == 1.0  # not "2 of 4": a rep not judged is not a bad one
    # Nothing judged at all: no share rather than 0 %.
    for rep in reps:
        Rep.objects.filter(pk=rep.pk).update(verdict=None, not_judged_reason="Pose lost.")
    point = _point(athlete_a, coach_a, session)
    assert point["judged"] == 0 and point["good_share"] is None


@pytest.mark.django_db
def test_volume_and_estimated_1rm_for_a_known_load(athlete_a, coach_a):
    five = _set(athlete_a, load="100.0", reps=5, at=(9, 0))
    single = _set(athlete_a, load="142.5", reps=1, at=(10, 0), day=DAY + dt.timedelta(days=1))
    unloaded = _set(athlete_a, load=None, reps=3, day=DAY + dt.timedelta(days=2))
    p5 = _point(athlete_a, coach_a, five)
    assert p5["load_kg"] == 100.0 and p5["volume_kg"] == 500.0
    assert p5["e1rm_kg"] == 116.7  # Epley: 100 x (1 + 5/30) = 116.67
    p1 = _point(athlete_a, coach_a, single)
    assert p1["volume_kg"] == 142.5 and p1["e1rm_kg"] == 147.2  # 142.5 x 31/30 = 147.25
    p0 = _point(athlete_a, coach_a, unloaded)
    assert p0["load_kg"] is None and p0["volume_kg"] is None and p0["e1rm_kg"] is None
    # Every rep taken out of the count: no estimate from zero reps, no volume.
    for rep in _reps(single):
        rep_not_a_rep(rep=rep, author=coach_a, note="no pull")
    p1 = _point(athlete_a, coach_a, single)
    assert p1["reps"] == 0 and p1["volume_kg"] == 0.0 and p1["e1rm_kg"] is None


@pytest.mark.django_db
def test_two_sets_of_one_day_get_distinct_labels(athlete_a, coach_a):
    morning = _set(athlete_a, at=(9, 5))
    evening = _set(athlete_a, at=(18, 5))
    other_day = _set(athlete_a, day=DAY + dt.timedelta(days=3), at=(18, 5))
    labels = {p["session_id"]: p["label"] for p in athlete_progress(athlete_a, coach_a)}
    year = "" if DAY.year == timezone.localdate().year else f" {DAY.year}"
    assert labels[morning.pk] == f"12 Mar{year} 09:05"
    assert labels[evening.pk] == f"12 Mar{year} 18:05"
    assert labels[other_day.pk] == f"15 Mar{year}"  # alone on its day: the date is enough
    # Oldest first, by day and then upload time.
    order = [p["session_id"] for p in athlete_progress(athlete_a, coach_a)]
    assert order == [morning.pk, evening.pk, other_day.pk]
    # Even uploads within one minute differ.
    same_minute = _set(athlete_a, at=(18, 5))
    labels = [p["label"] for p in athlete_progress(athlete_a, coach_a)]
    assert len(set(labels)) == len(labels) == 4
    assert labels[-2].endswith("(2)") and same_minute.pk


@pytest.mark.django_db
def test_uncounted_reps_are_ignored(athlete_a, coach_a):
    session = _set(athlete_a, load="100.0", reps=3)  # good, unusual, good
    reps = _reps(session)
    Rep.objects.filter(pk=reps[0].pk).update(
        kinematics={"concentric_s": 1.2, "eccentric_s": 0.8, "hip_angle_bottom_deg": 70.5}
    )
    rep_not_a_rep(rep=reps[1], author=coach_a, note="re-grip")
    point = _point(athlete_a, coach_a, session)
    assert point["reps"] == 2 and (point["good"], point["judged"]) == (2, 2)
    assert point["volume_kg"] == 200.0 and point["e1rm_kg"] == 106.7
    assert [r["index"] for r in point["rep_list"]] == [1, 2]  # renumbered, the counted ones
    first = point["rep_list"][0]
    assert (first["concentric_s"], first["eccentric_s"], first["hip_deg"]) == (1.2, 0.8, 70.5)
    assert first["knee_deg"] is None and first["trunk_deg"] is None


@pytest.mark.django_db
def test_trunk_angle_prefers_the_lifters_own_frame_and_odd_values_are_dropped(athlete_a):
    session = _set(athlete_a, reps=2)
    first, second = _reps(session)
    Rep.objects.filter(pk=first.pk).update(
        kinematics={"trunk_body_frame_bottom_deg": 41.0, "trunk_angle_bottom_deg": 55.0}
    )
    Rep.objects.filter(pk=second.pk).update(
        kinematics={
            "trunk_angle_bottom_deg": 55.0,
            "concentric_s": "fast",
            "knee_angle_bottom_deg": True,
        }
    )
    reps = _point(athlete_a, athlete_a, session)["rep_list"]
    assert [r["trunk_deg"] for r in reps] == [41.0, 55.0]
    assert reps[1]["concentric_s"] is None and reps[1]["knee_deg"] is None


@pytest.mark.django_db
def test_another_athletes_sets_are_never_included(athlete_a, athlete_b, coach_a, coach_other):
    mine = _set(athlete_a)
    theirs = _set(athlete_b)
    make_session(athlete_a, status="running")  # not finished: no point
    assert [p["session_id"] for p in athlete_progress(athlete_a, coach_a)] == [mine.pk]
    assert [p["session_id"] for p in athlete_progress(athlete_a, athlete_a)] == [mine.pk]
    # A coach without athlete A on the roster, and athlete B, see none of A's sets.
    assert athlete_progress(athlete_a, coach_other) == []
    assert athlete_progress(athlete_a, athlete_b) == []
    assert [p["session_id"] for p in athlete_progress(athlete_b, coach_other)] == [theirs.pk]
    # The page: A's own page has A's set only; another athlete's page is a 404 for a coach
    # without them on the roster.
    client = Client()
    client.login(username="athlete_a", password=PERSONA_PASSWORD)
    page = client.get(reverse("athlete_dashboard"))
    assert page.status_code == 200
    assert [p["session_id"] for p in page.context["progress"]] == [mine.pk]
    client.login(username="coach_other", password=PERSONA_PASSWORD)
    assert client.get(reverse("athlete_detail", args=[athlete_a.pk])).status_code == 404


@pytest.mark.django_db
def test_the_page_pages_the_progress_latest_first(athlete_a, coach_a, monkeypatch):
    import analysis.views.sessions as views

    for i in range(5):
        _set(athlete_a, day=DAY + dt.timedelta(days=i), load=str(100 + i))
    monkeypatch.setattr(views, "PROGRESS_PAGE_SIZE", 2)
    client = Client()
    client.login(username="coach_a", password=PERSONA_PASSWORD)
    url = reverse("athlete_detail", args=[athlete_a.pk])
    first = client.get(url)
    assert [p["load_kg"] for p in first.context["progress"]] == [103.0, 104.0]
    html = first.content.decode()
    assert "progress=2#progress" in html and "progress-table" in html
    older = client.get(url + "?progress=3")
    assert [p["load_kg"] for p in older.context["progress"]] == [100.0]
    junk = client.get(url + "?progress=zzz")  # nonsense is the first page, not an error
    assert junk.status_code == 200 and len(junk.context["progress"]) == 2
    assert progress_points(progress_sessions(athlete_a, coach_a)[:0]) == []


@pytest.mark.django_db
def test_progress_is_per_lift_with_the_latest_sets_lift_first(athlete_a):
    """Loads, 1RMs and tempos of a squat and a deadlift are not one line: the page shows one
    lift's sets (the latest set's lift unless another is asked for) and offers the others."""
    pull = _set(athlete_a, day=DAY, load="140.0")
    squat = _set(athlete_a, day=DAY + dt.timedelta(days=1), load="100.0")
    TrainingSession.objects.filter(pk=squat.pk).update(exercise="squat")
    assert [p["session_id"] for p in athlete_progress(athlete_a, athlete_a, "squat")] == [squat.pk]
    client = Client()
    client.login(username="athlete_a", password=PERSONA_PASSWORD)
    page = client.get(reverse("athlete_dashboard"))
    assert [p["session_id"] for p in page.context["progress"]] == [squat.pk]
    assert page.context["progress_lift"].name == "squat"
    body = page.content.decode()
    assert 'data-testid="progress-lifts"' in body and "?lift=deadlift#progress" in body
    page = client.get(reverse("athlete_dashboard") + "?lift=deadlift")
    assert [p["session_id"] for p in page.context["progress"]] == [pull.pk]
    assert page.context["progress"][0]["e1rm_kg"] == pytest.approx(140 * 33 / 30, abs=0.1)
    # A lift with no set of theirs (or none at all) shows the latest set's lift.
    page = client.get(reverse("athlete_dashboard") + "?lift=bench_press")
    assert page.context["progress_lift"].name == "squat"
