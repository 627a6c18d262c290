"""Coach labels: who may label, the history of every change, the review queue's order,
and training-set exclusions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from analysis.models import Rep
from analysis.selectors.reps import review_queue
from reviews.models import RepLabel
from reviews.services.labels import rep_label
from tests.conftest import make_session
from training.models import RepExclusion
from training.services.exclusions import rep_exclude, rep_include


def _rep(session, index=1) -> Rep:
    return session.analysis.reps.get(index=index)


def test_a_coach_labels_a_roster_rep_and_relabelling_keeps_who_what_and_when(
    session_a, coach_a, admin_user
):
    rep = _rep(session_a, 2)  # the model said anomalous
    rep_label(rep=rep, author=coach_a, label="good")
    rep_label(
        rep=rep, author=admin_user, label="anomalous", faults=["rounded_back", "other"],
        note="shoulders roll forward",
    )  # fmt: skip
    rep.refresh_from_db()
    assert (rep.label, rep.faults, rep.labelled_by) == (
        "anomalous", ["rounded_back", "other"], admin_user,
    )  # fmt: skip
    assert rep.verdict == "anomalous" and rep.score == 0.8  # the model's verdict is untouched
    first, second = reversed(RepLabel.objects.filter(rep=rep))
    assert (first.author, first.from_label, first.to_label) == (coach_a, None, "good")
    assert (second.author, second.from_label, second.to_label) == (admin_user, "good", "anomalous")
    assert second.from_faults == [] and second.to_faults == ["rounded_back", "other"]
    assert second.note == "shoulders roll forward"


def test_repeating_the_same_label_adds_no_history(session_a, coach_a):
    rep = _rep(session_a)
    rep_label(rep=rep, author=coach_a, label="good")
    rep_label(rep=rep, author=coach_a, label="good")
    assert RepLabel.objects.filter(rep=rep).count() == 1


@pytest.mark.parametrize("who", ["athlete_a", "athlete_b", "coach_other"])
def test_only_the_athletes_coaches_and_admins_may_label(session_a, coach_a, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        rep_label(rep=_rep(session_a), author=user, label="good")
    assert _rep(session_a).label is None


@pytest.mark.parametrize(
    "label, faults, note",
    [("bad", [], ""), ("good", ["sloppy"], ""), ("anomalous", ["other"], "")],
)
def test_bad_labels_are_refused_with_a_reason(session_a, coach_a, label, faults, note):
    with pytest.raises(ValidationError):
        rep_label(rep=_rep(session_a), author=coach_a, label=label, faults=faults, note=note)
    assert not RepLabel.objects.exists()


def test_the_queue_puts_scores_near_the_threshold_first_then_flagged_then_the_rest(
    athlete_a, coach_a, coach_other
):
    session = make_session(athlete_a, reps=5)
    scores = {1: 0.1, 2: 0.95, 3: 0.55, 4: None, 5: 0.47}
    for index, score in scores.items():
        verdict = None if score is None else ("anomalous" if score > 0.5 else "good")
        Rep.objects.filter(analysis=session.analysis, index=index).update(
            score=score, verdict=verdict, threshold=0.5 if score is not None else None
        )
    labelled = make_session(athlete_a, reps=1)
    rep_label(rep=_rep(labelled), author=coach_a, label="good")

    queue = list(review_queue(coach_a))
    assert all(r.analysis.session == session for r in queue)  # labelled reps have left it
    assert [r.index for r in queue] == [5, 3, 2, 1, 4]
    assert not review_queue(coach_other).exists()  # another roster's reps never appear


def test_the_label_api_answers_coach_athlete_and_stranger_differently(session_a, coach_a):
    rep = _rep(session_a)
    url = f"/api/reps/{rep.pk}/label/"
    client = APIClient()
    client.force_authenticate(coach_a)
    response = client.post(
        url, {"label": "anomalous", "faults": ["bar_drift"], "note": "bar off the shins"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["label"], body["faults"], body["labelled_by"]) == (
        "anomalous", ["bar_drift"], "coach_a",
    )  # fmt: skip
    assert body["verdict"] == "good"  # the model's verdict, a different field
    assert client.post(url, {"label": "maybe"}, format="json").status_code == 400
    history = client.get(f"/api/reps/{rep.pk}/labels/").json()["results"]
    assert [h["to_label"] for h in history] == ["anomalous"]

    client.force_authenticate(session_a.athlete)  # sees the rep, may not label it
    assert client.post(url, {"label": "good"}, format="json").status_code == 403
    assert client.post(url, {"label": "maybe"}, format="json").status_code == 403  # not 400


def test_the_label_api_hides_reps_of_other_rosters(session_a, coach_other):
    client = APIClient()
    client.force_authenticate(coach_other)
    response = client.post(f"/api/reps/{_rep(session_a).pk}/label/", {"label": "good"})
    assert response.status_code == 404


def test_an_admin_excludes_a_rep_with_a_reason_and_the_history_is_kept(
    session_a, admin_user, coach_a
):
    rep = _rep(session_a)
    with pytest.raises(ValidationError):
        rep_exclude(rep=rep, author=admin_user, reason="  ")
    with pytest.raises(PermissionDenied):
        rep_exclude(rep=rep, author=coach_a, reason="blurry")
    rep_exclude(rep=rep, author=admin_user, reason="camera moved")
    rep_include(rep=rep, author=admin_user)
    rep.refresh_from_db()
    assert not rep.excluded and rep.exclusion_reason == "camera moved"
    events = list(RepExclusion.objects.filter(rep=rep).order_by("pk"))
    assert [(e.excluded, e.reason) for e in events] == [(True, "camera moved"), (False, "")]

    client = APIClient()
    client.force_authenticate(coach_a)
    url = f"/api/reps/{rep.pk}/exclude/"
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_authenticate(admin_user)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "lifter cut off"}).json()["excluded"] is True


def test_a_rep_is_tagged_with_its_own_lifts_faults(session_a, coach_a):
    """A squat's rep takes the squat's fault tags (and "other"), not a pull's."""
    from analysis.models import Analysis

    rep = session_a.analysis.reps.first()
    Analysis.objects.filter(pk=session_a.analysis.pk).update(exercise_detected="squat")
    rep = Rep.objects.get(pk=rep.pk)
    with pytest.raises(
        ValidationError, match="rounded_back for a squat; choose from .*above_parallel"
    ):
        rep_label(rep=rep, author=coach_a, label="anomalous", faults=["rounded_back"])
    rep_label(rep=rep, author=coach_a, label="anomalous", faults=["above_parallel"])
    assert Rep.objects.get(pk=rep.pk).faults == ["above_parallel"]
