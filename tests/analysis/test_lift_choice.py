"""The athlete says which lift a set is, or leaves it to be recognised: a set left to the
platform becomes the lift the analysis saw; one whose athlete said another lift is analysed
as what was seen, says so, and is analysed as the lift they said one click away. (The
pipeline is replaced by a function returning what it would have seen: what is tested is what
the platform does with it.)"""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from analysis.models import Analysis
from analysis.selectors.lifts import lift_told
from analysis.services.analyses import analysis_analyse_as, analysis_retry
from core import lifts
from core.result import AnalysisResult, Exercise, Rep, VideoInfo
from sets.models import TrainingSession
from tests.conftest import make_session

pytestmark = pytest.mark.django_db


def _pipeline_seeing(name: str, calls: list):
    """A stand-in for the pipeline that sees lift `name` (one rep) and records how it was
    asked (the `lift` it was told to look for)."""

    def pipeline(video, out_dir, **kwargs):
        calls.append(kwargs.get("lift"))
        (Path(out_dir) / "reps").mkdir(parents=True, exist_ok=True)
        info = VideoInfo(path=str(video), frames=30, fps=30.0, width=64, height=64, duration_s=1)
        rep = Rep(1, 0, 10, 20, 0.0, 0.33, 0.66, True, {}, {})
        seen = kwargs.get("lift") or name
        exercise = Exercise(seen, True, f"{seen}, 1 rep.", {seen: 0.9, "other": 0.096})
        return AnalysisResult(info, exercise, [rep], {}, 30, 30)

    return pipeline


def _failed(session: TrainingSession) -> Analysis:
    Analysis.objects.filter(pk=session.analysis.pk).update(status="failed")
    return Analysis.objects.get(pk=session.analysis.pk)


def test_a_set_left_to_the_platform_becomes_the_lift_it_saw(
    athlete_a, monkeypatch, django_capture_on_commit_callbacks
):
    session = make_session(athlete_a)
    TrainingSession.objects.filter(pk=session.pk).update(exercise="", exercise_chosen=False)
    calls: list = []
    monkeypatch.setattr("core.pipeline.run.analyze_video", _pipeline_seeing("deadlift", calls))
    with django_capture_on_commit_callbacks(execute=True):
        analysis_retry(analysis=_failed(session))
    session.refresh_from_db()
    assert calls == [None]  # recognised, not told
    assert session.exercise == "deadlift" and session.analysis.status == "done"
    assert lift_told(session, session.analysis)["note"] == ""


def test_a_set_said_to_be_another_lift_says_so_and_is_analysed_as_it_in_one_click(
    athlete_a, monkeypatch, django_capture_on_commit_callbacks
):
    other = "not_a_lift_judged"  # a lift the athlete said that the analysis did not see
    session = make_session(athlete_a)
    TrainingSession.objects.filter(pk=session.pk).update(exercise=other, exercise_chosen=True)
    session.refresh_from_db()
    calls: list = []
    monkeypatch.setattr("core.pipeline.run.analyze_video", _pipeline_seeing("deadlift", calls))
    with django_capture_on_commit_callbacks(execute=True):
        analysis_retry(analysis=_failed(session))
    session.refresh_from_db()
    told = lift_told(session, session.analysis)
    label = lifts.DEFAULT.label.lower()
    assert session.exercise == other  # what the athlete said stays said
    assert f"it looks like a {label}: it was analysed as a {label}" in told["note"]
    assert lifts.DEFAULT.name not in [value for value, _ in told["analyse_as"]]

    # The page shows the sentence; the API carries it with the lifts to analyse as.
    client = Client()
    client.force_login(athlete_a)
    page = client.get(reverse("session_review", args=[session.pk])).content.decode()
    assert 'data-testid="lift-note"' in page and "it looks like a" in page
    # How likely each lift looked, in whole percent, "other" said as people say it.
    assert f"{label} 90% · something else 10%" in page
    api = APIClient()
    api.force_authenticate(athlete_a)
    body = api.get(f"/api/sessions/{session.pk}/").json()
    assert body["lift_note"] == told["note"]
    assert body["lift_probabilities"] == {lifts.DEFAULT.name: 0.9, "other": 0.096}

    # "Analyse as" the registry's lift: the pipeline is told, the note goes.
    with django_capture_on_commit_callbacks(execute=True):
        analysis_analyse_as(analysis=session.analysis, lift=lifts.DEFAULT.name)
    session.refresh_from_db()
    assert calls == [None, lifts.DEFAULT.name]
    assert session.exercise == lifts.DEFAULT.name and session.exercise_chosen
    assert session.analysis.lift_forced == lifts.DEFAULT.name
    assert lift_told(session, session.analysis)["note"] == ""


def test_analyse_as_refuses_a_lift_not_judged_and_a_running_analysis(athlete_a, coach_other):
    session = make_session(athlete_a)
    with pytest.raises(ValidationError, match="Choose one of"):
        analysis_analyse_as(analysis=session.analysis, lift="push_up")
    Analysis.objects.filter(pk=session.analysis.pk).update(status="running")
    with pytest.raises(ValidationError, match="still in progress"):
        analysis_analyse_as(analysis=session.analysis, lift=lifts.DEFAULT.name)
    # Through the API: someone who cannot see the set gets a 404, a bad lift a 400.
    api = APIClient()
    api.force_authenticate(coach_other)
    url = f"/api/sessions/{session.pk}/analyse-as/"
    assert api.post(url, {"lift": lifts.DEFAULT.name}).status_code == 404
    api.force_authenticate(athlete_a)
    assert api.post(url, {"lift": "push_up"}).status_code == 400


def test_the_upload_offers_recognise_it_and_every_lift_judged(athlete_a):
    from django.contrib.auth import get_user_model

    from uploads.forms import SessionDetailsForm
    from uploads.services.uploads import upload_check_details

    athletes = get_user_model().objects.filter(pk=athlete_a.pk)
    form = SessionDetailsForm(athletes=athletes)
    values = [value for value, _ in form.fields["exercise"].choices]
    assert values[0] == "" and set(lifts.LIFTS) <= set(values)
    details = {"athlete": athlete_a.pk, "exercise": "", "performed_at": "2026-01-02"}
    form = SessionDetailsForm(details, athletes=athletes)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["exercise"] == ""  # left to be recognised
    upload_check_details(uploaded_by=athlete_a, athlete=athlete_a, exercise="", notes="")
    with pytest.raises(ValidationError, match="leave it empty"):
        upload_check_details(uploaded_by=athlete_a, athlete=athlete_a, exercise="push_up", notes="")


def test_a_sets_page_offers_the_fault_tags_of_its_lift(athlete_a, coach_a):
    """A coach tags a squat with the squat's faults (and "other"), a pull with the pull's."""
    session = make_session(athlete_a)
    client = Client()
    client.force_login(coach_a)
    url = reverse("session_review", args=[session.pk])
    for name in lifts.LIFTS:
        Analysis.objects.filter(pk=session.analysis.pk).update(exercise_detected=name)
        offered = {f["value"] for f in client.get(url).context["faults"]}
        assert offered == {f.id for f in lifts.get(name).faults} | {"other"}, name


def test_a_variant_is_said_and_judged_as_its_lift(athlete_a):
    session = make_session(athlete_a)
    Analysis.objects.filter(pk=session.analysis.pk).update(exercise_detected="sumo_deadlift")
    session.refresh_from_db()
    assert lift_told(session, session.analysis)["variant"] == "sumo deadlift"
    client = Client()
    client.force_login(athlete_a)
    page = client.get(reverse("session_review", args=[session.pk])).content.decode()
    assert "Recognised as a sumo deadlift, judged as a deadlift." in page
