"""The labelling and training pages, rendered by the server: who gets them, what they show,
and what their forms do (no browser, no real training: runs are started without a worker)."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from analysis.models import Rep
from detectors.models import DetectorVersion
from reviews.services.labels import rep_label
from training.models import TrainingRun


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queue_items(response) -> list[dict]:
    match = re.search(
        r'<script id="queue-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_the_queue_shows_a_coach_the_unlabelled_reps_of_their_roster(coach_a, session_a, session_b):
    response = _client(coach_a).get(reverse("review_queue"))
    assert response.status_code == 200
    items = _queue_items(response)
    assert {i["id"] for i in items} == set(session_a.analysis.reps.values_list("pk", flat=True))
    first = items[0]
    assert first["image_url"] == reverse("rep_image", args=[first["id"]])
    assert first["video_url"] == reverse("session_video", args=[session_a.pk])  # plays as is
    assert first["end_s"] > first["start_s"]
    assert "2 waiting" in response.content.decode()


def test_labelled_reps_leave_the_queue_and_an_empty_queue_says_so(coach_a, session_a):
    for rep in session_a.analysis.reps.all():
        rep_label(rep=rep, author=coach_a, label="good")
    response = _client(coach_a).get(reverse("review_queue"))
    assert _queue_items(response) == []
    assert 'data-testid="queue-empty"' in response.content.decode()


def test_athletes_get_no_queue_and_no_nav_link(athlete_a, coach_a, session_a):
    assert _client(athlete_a).get(reverse("review_queue")).status_code == 404
    page = _client(athlete_a).get(reverse("athlete_dashboard")).content.decode()
    assert 'data-testid="nav-queue"' not in page
    coach_page = _client(coach_a).get(reverse("coach_dashboard")).content.decode()
    assert 'data-testid="nav-queue-count">2<' in coach_page
    assert 'data-testid="nav-training"' not in coach_page


def test_review_cards_offer_labelling_to_the_coach_and_show_it_read_only_to_the_athlete(
    athlete_a, coach_a, session_a
):
    rep = session_a.analysis.reps.get(index=1)
    rep_label(rep=rep, author=coach_a, label="anomalous", faults=["rounded_back"])
    url = reverse("session_review", args=[session_a.pk])
    coach_page = _client(coach_a).get(url).content.decode()
    athlete_page = _client(athlete_a).get(url).content.decode()
    for page in (coach_page, athlete_page):
        assert "anomalous — rounded back" in page  # the coach's label beside the verdict
        assert 'data-testid="verdict-vs-label"' in page
    assert coach_page.count('data-testid="label-good"') == 2
    assert "js/labels.js" in coach_page
    assert 'data-testid="label-good"' not in athlete_page
    assert "js/labels.js" not in athlete_page


@pytest.mark.parametrize("name", ["training", "detectors"])
def test_training_pages_are_for_admins_only(name, admin_user, coach_a, athlete_a, session_a):
    assert _client(admin_user).get(reverse(name)).status_code == 200
    assert _client(coach_a).get(reverse(name)).status_code == 404
    assert _client(athlete_a).get(reverse(name)).status_code == 404


def test_the_training_page_lists_and_filters_reps(admin_user, coach_a, session_a, session_b):
    rep = session_a.analysis.reps.get(index=1)
    rep_label(rep=rep, author=coach_a, label="good")
    client = _client(admin_user)
    page = client.get(reverse("training"))
    assert page.context["summary"]["total"] == 4
    assert page.context["page"].paginator.count == 4
    labelled = client.get(reverse("training"), {"label": "good"})
    assert [r.pk for r in labelled.context["page"]] == [rep.pk]
    unlabelled = client.get(reverse("training"), {"label": "none", "excluded": "no"})
    assert unlabelled.context["page"].paginator.count == 3


def test_excluding_needs_a_reason_and_shows_it(admin_user, session_a):
    rep = session_a.analysis.reps.get(index=1)
    client = _client(admin_user)
    url = reverse("training_rep_exclusion", args=[rep.pk])
    response = client.post(url, {"action": "exclude", "reason": "  "}, follow=True)
    rep.refresh_from_db()
    assert not rep.excluded
    assert "Say why" in response.content.decode()

    response = client.post(
        url, {"action": "exclude", "reason": "camera cut off", "next": "/training/?excluded=yes"}
    )
    assert response["Location"] == "/training/?excluded=yes"
    rep.refresh_from_db()
    assert rep.excluded and rep.exclusion_reason == "camera cut off"
    page = client.get("/training/?excluded=yes").content.decode()
    assert "camera cut off" in page and 'data-testid="include"' in page

    client.post(url, {"action": "include"})
    rep.refresh_from_db()
    assert not rep.excluded


def test_coaches_cannot_exclude(coach_a, session_a):
    rep = session_a.analysis.reps.get(index=1)
    url = reverse("training_rep_exclusion", args=[rep.pk])
    response = _client(coach_a).post(url, {"action": "exclude", "reason": "x"})
    assert response.status_code == 404
    assert not Rep.objects.get(pk=rep.pk).excluded


def test_starting_training_twice_says_a_run_is_in_progress(admin_user, monkeypatch):
    from training.services import runs as training_runs

    monkeypatch.setattr(training_runs, "_enqueue", lambda run_id: None)  # no worker here
    client = _client(admin_user)
    first = client.post(reverse("training_start"), {"epochs": "2", "config": "native"})
    assert first.status_code == 302
    run = TrainingRun.objects.get()
    assert run.params["epochs"] == 2 and run.is_open and not run.auto_activate
    second = client.post(reverse("training_start"), {"epochs": "2"}, follow=True)
    assert "already in progress" in second.content.decode()
    assert TrainingRun.objects.count() == 1
    page = client.get(reverse("training")).content.decode()
    assert f"Run #{run.pk}" in page and 'id="run-data"' in page


def test_bad_epochs_are_refused_with_a_message(admin_user):
    response = _client(admin_user).post(reverse("training_start"), {"epochs": "0"}, follow=True)
    assert "between 1 and" in response.content.decode()
    assert not TrainingRun.objects.exists()


def _version(name: str, **kwargs) -> DetectorVersion:
    metrics = {
        "heldout": {
            "Good Deadlift Form": {"precision": 0.9, "recall": 0.8, "f1-score": 0.85, "support": 9},
            "Anomaly": {"precision": 0.7, "recall": 0.6, "f1-score": 0.65, "support": 5},
            "macro avg": {"precision": 0.8, "recall": 0.7, "f1-score": 0.75, "support": 15},
            "weighted avg": {"precision": 0.83, "recall": 0.73, "f1-score": 0.78, "support": 15},
            "accuracy": 0.733,
            "roc_auc": 0.812,
            "confusion_matrix": [[8, 2], [2, 3]],
            "scores": {"good": [0.1, 0.3], "anomalous": [0.7, 0.4]},
        },
        "comparison": {"active": None},
        "beats_active": True,
        "snapshot": {"train_good": 40, "train_anomalous": 10, "heldout_good": 10,
                     "heldout_anomalous": 5, "heldout_videos": ["seed/deadlift2"],
                     "sources": {"seed": 65}},
    }  # fmt: skip
    return DetectorVersion.objects.create(
        name=name, model_dir="/nonexistent", metrics=metrics, **kwargs
    )


def test_the_version_page_shows_the_report_and_activation_switches(admin_user, monkeypatch):
    from training.services import activation as detectors

    monkeypatch.setattr(detectors, "_rescore_enqueue", lambda version_id: None)
    old = _version("v1", is_active=True)
    new = _version("v2")
    client = _client(admin_user)
    page = client.get(reverse("detector", args=[new.pk])).content.decode()
    for text in ("Good Deadlift Form", "weighted avg", "0.812", 'data-testid="confusion-matrix"'):
        assert text in page
    assert 'data-testid="activate"' in page

    listing = client.get(reverse("detectors")).content.decode()
    assert listing.count('data-testid="detector-row"') == 2

    # v2 was never compared with the active v1: the page says so and asks to confirm.
    assert "v2 was never compared with the active v1." in page
    response = client.post(reverse("detector_activate", args=[new.pk]), follow=True)
    assert "Confirm to activate it anyway" in response.content.decode()
    new.refresh_from_db()
    assert not new.is_active
    response = client.post(
        reverse("detector_activate", args=[new.pk]), {"confirm": "1"}, follow=True
    )
    assert 'data-testid="version-active"' in response.content.decode()
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.is_active and not old.is_active
    listing = client.get(reverse("detectors")).content.decode()
    assert "Roll back" in listing  # v1 is older than the active v2


def test_a_failed_run_shows_its_error(admin_user):
    TrainingRun.objects.create(
        status="failed", is_open=False, error="Training needs at least 8 reps labelled good."
    )
    page = _client(admin_user).get(reverse("training")).content.decode()
    assert re.search(r'<p class="error" id="run-error"[^>]*>Training needs at least 8', page)
