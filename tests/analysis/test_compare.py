"""The compare page: two visible reps side by side, their numbers and B minus A."""

from django.test import Client
from django.urls import reverse

from analysis.models import Analysis, Rep
from tests.conftest import make_session


def _get(user, **params):
    client = Client()
    client.force_login(user)
    return client.get(reverse("rep_compare"), params)


def test_without_b_the_best_scored_other_rep_of_the_set_is_compared(athlete_a, coach_a):
    session = make_session(athlete_a, reps=3, verdicts=["anomalous", "good", "anomalous"])
    reps = {r.index: r for r in session.analysis.reps.all()}
    Rep.objects.filter(pk=reps[1].pk).update(
        kinematics={"duration_s": 2.0, "hip_angle_bottom_deg": 60.0}
    )
    Rep.objects.filter(pk=reps[2].pk).update(
        kinematics={"duration_s": 1.5, "hip_angle_bottom_deg": 72.4}
    )
    response = _get(coach_a, a=reps[1].pk)
    assert response.status_code == 200
    assert response.context["b"]["rep"].pk == reps[2].pk  # score 0.3: the good one
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["Rep duration"]["diff"] == "-0.50"
    assert (rows["Hip at the bottom"]["a"], rows["Hip at the bottom"]["diff"]) == ("60", "+12")
    assert "Knee at the bottom" not in rows  # neither rep has it
    page = response.content.decode()
    assert page.count('data-testid="compare-video-') == 2


def test_b_can_come_from_another_session_of_the_athlete_and_choices_stay_theirs(
    athlete_a, athlete_b, coach_a
):
    first = make_session(athlete_a).analysis.reps.get(index=1)
    later = make_session(athlete_a).analysis.reps.get(index=2)
    make_session(athlete_b)  # another athlete's reps are never offered
    squat = make_session(athlete_a)  # nor their reps of another lift: a squat is no pull
    Analysis.objects.filter(pk=squat.analysis.pk).update(exercise_detected="squat")
    response = _get(coach_a, a=first.pk, b=later.pk)
    assert response.status_code == 200
    assert response.context["b"]["rep"].pk == later.pk
    offered = {c["id"] for c in response.context["choices"]}
    own = Rep.objects.filter(analysis__session__athlete=athlete_a).exclude(analysis=squat.analysis)
    assert offered == set(own.values_list("pk", flat=True))
    response = _get(coach_a, a=squat.analysis.reps.get(index=1).pk)
    assert {c["id"] for c in response.context["choices"]} == set(
        squat.analysis.reps.values_list("pk", flat=True)
    )


def test_a_rep_the_user_may_not_see_is_a_404_on_either_side(athlete_a, athlete_b, coach_other):
    mine = make_session(athlete_a).analysis.reps.get(index=1)
    theirs = make_session(athlete_b).analysis.reps.get(index=1)
    assert _get(athlete_a, a=mine.pk, b=theirs.pk).status_code == 404
    assert _get(athlete_a, a=theirs.pk).status_code == 404
    assert _get(coach_other, a=mine.pk).status_code == 404
    assert _get(athlete_a, a="x").status_code == 404
    assert _get(athlete_a).status_code == 404
    assert Client().get(reverse("rep_compare"), {"a": mine.pk}).status_code == 302


def test_admins_compare_imported_reps_which_have_no_video(admin_user):
    imported = [
        Rep.objects.create(
            analysis=None, index=1, source="dissertation", source_name=name, image_sha256=name
        )
        for name in ("good_001_rep_1.png", "anomaly_004_rep_2.png")
    ]
    response = _get(admin_user, a=imported[0].pk, b=imported[1].pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "anomaly_004_rep_2.png" in page and "compare-video" not in page
    assert {c["id"] for c in response.context["choices"]} == {r.pk for r in imported}
