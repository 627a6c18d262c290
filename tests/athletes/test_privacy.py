"""An athlete's say over their data: consent to training (one definition of the training
set, asked once, changeable), downloading everything as a zip, and deleting the account."""

import io
import json
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from analysis.models import Analysis, Rep
from athletes.models import CoachAssignment, Profile
from athletes.privacy import account_erase, consent_set
from coach_platform.storage import media_path, media_remove, media_root, media_stat
from detectors.models import DetectorVersion
from reviews.models import Comment, RepLabel
from reviews.services.comments import comment_create
from reviews.services.labels import rep_label
from sets.models import TrainingSession
from tests.conftest import PERSONA_PASSWORD, make_session, stored_files
from training.models import TrainingRun
from training.selectors.training import training_set_queryset, training_set_summary
from training.services.exclusions import rep_exclude

User = get_user_model()


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _imported_rep(name: str = "seed1.png", label: str = "good") -> Rep:
    return Rep.objects.create(
        analysis=None,
        index=1,
        source="seed",
        source_name=name,
        image=f"training/seed/{name}",
        image_sha256=name,
        label=label,
    )


def _in_set() -> set[int]:
    return set(training_set_queryset().values_list("pk", flat=True))


def _consent(user) -> bool | None:
    return Profile.objects.get(user=user).training_consent


# --- consent and the training set --------------------------------------------------------


def test_labelled_reps_join_the_training_set_only_while_their_athlete_says_yes(
    session_a, coach_a, admin_user
):
    imported = _imported_rep()
    reps = list(session_a.analysis.reps.all())
    for rep in reps:
        rep_label(rep=rep, author=coach_a, label="good")
    mine = {r.pk for r in reps}

    # Not asked yet counts as no: left out, and counted as left out.
    assert _consent(session_a.athlete) is None
    assert _in_set() == {imported.pk}
    summary = training_set_summary()
    assert (summary["no_consent_reps"], summary["no_consent_athletes"]) == (2, 1)

    consent_set(session_a.athlete, True)
    assert _in_set() == mine | {imported.pk}
    assert training_set_summary()["no_consent_reps"] == 0

    consent_set(session_a.athlete, False)  # withdrawn: out of every later run
    assert _in_set() == {imported.pk}
    assert training_set_summary()["no_consent_reps"] == 2
    profile = Profile.objects.get(user=session_a.athlete)
    assert profile.training_consent is False and profile.consent_changed_at is not None


def test_the_training_page_counts_and_the_run_snapshot_share_one_definition(
    athlete_a, athlete_b, coach_a, coach_other, admin_user
):
    a_reps = list(make_session(athlete_a, reps=3).analysis.reps.all())
    b_reps = list(make_session(athlete_b, reps=2).analysis.reps.all())
    for rep in a_reps:
        rep_label(rep=rep, author=coach_a, label="good")
    rep_label(rep=b_reps[0], author=coach_other, label="anomalous")  # b_reps[1] unlabelled
    rep_exclude(rep=a_reps[0], author=admin_user, reason="bar out of frame")
    _imported_rep("seed1.png")
    _imported_rep("seed2.png", label="anomalous")
    excluded_import = _imported_rep("seed3.png")
    rep_exclude(rep=excluded_import, author=admin_user, reason="duplicate")

    for consent_a, consent_b in [(None, None), (True, None), (True, False), (False, True)]:
        if consent_a is not None:
            consent_set(athlete_a, consent_a)
        if consent_b is not None:
            consent_set(athlete_b, consent_b)
        summary = training_set_summary()
        expected = training_set_queryset()
        assert summary["in_training"] == expected.count()
        assert sum(r["in_training"] for r in summary["by_source_label"]) == expected.count()
        assert sum(r["in_training"] for r in summary["by_athlete_label"]) == expected.count()
        # The run's snapshot reads the very same queryset.
        from training.services import runs as training_runs

        assert training_runs.training_set_queryset is training_set_queryset

    # athlete_a withdrew, athlete_b said yes: a's 2 labelled, included reps are left out.
    summary = training_set_summary()
    assert (summary["no_consent_reps"], summary["no_consent_athletes"]) == (2, 1)
    assert summary["in_training"] == 3  # b's labelled rep and two imported ones
    consent_by_athlete = {
        r["analysis__session__athlete__username"]: r["consent"] for r in summary["by_athlete_label"]
    }
    assert consent_by_athlete == {"athlete_a": False, "athlete_b": True, None: None}


def test_the_admin_training_page_says_how_many_labelled_reps_are_left_out(
    session_a, session_b, coach_a, coach_other, admin_user
):
    for rep in session_a.analysis.reps.all():
        rep_label(rep=rep, author=coach_a, label="good")
    rep_label(rep=session_b.analysis.reps.first(), author=coach_other, label="good")
    page = _client(admin_user).get(reverse("training")).content.decode()
    assert "3 labelled reps of 2 athletes" in page
    assert page.count('data-testid="no-consent"') == 3
    assert "versions already trained stay as they are" in page

    consent_set(session_a.athlete, True)
    consent_set(session_b.athlete, True)
    page = _client(admin_user).get(reverse("training")).content.decode()
    assert "No labelled rep is left out for lack of consent." in page
    assert 'data-testid="no-consent"' not in page


def test_the_dashboard_asks_once_and_the_privacy_page_lets_the_athlete_change_their_mind(
    athlete_a, coach_a
):
    client = _client(athlete_a)
    dashboard = client.get(reverse("athlete_dashboard")).content.decode()
    assert 'data-testid="consent-prompt"' in dashboard
    assert "Your videos are never shared" in dashboard
    assert reverse("privacy") in dashboard  # the nav link and the card's link
    # A coach looking at the athlete's page is not asked anything.
    coach_view = _client(coach_a).get(reverse("athlete_detail", args=[athlete_a.pk]))
    assert 'data-testid="consent-prompt"' not in coach_view.content.decode()

    response = client.post(
        reverse("privacy_consent"), {"consent": "yes", "next": reverse("athlete_dashboard")}
    )
    assert response.status_code == 302 and response.url == reverse("athlete_dashboard")
    assert _consent(athlete_a) is True
    dashboard = client.get(reverse("athlete_dashboard")).content.decode()
    assert 'data-testid="consent-prompt"' not in dashboard  # asked once

    page = client.get(reverse("privacy")).content.decode()
    assert "Withdraw my consent" in page and "already trained stay as they are" in page
    response = client.post(reverse("privacy_consent"), {"consent": "no"})
    assert response.status_code == 302 and response.url == reverse("privacy")
    assert _consent(athlete_a) is False
    assert client.get(reverse("privacy_consent")).status_code == 405  # POST only
    # An outside `next` is not followed.
    response = client.post(
        reverse("privacy_consent"), {"consent": "yes", "next": "https://evil.example/"}
    )
    assert response.url == reverse("privacy")


def test_only_the_athlete_can_set_their_consent(athlete_a, coach_a, admin_user):
    with pytest.raises(PermissionDenied):
        consent_set(athlete_a, True, by=coach_a)
    with pytest.raises(PermissionDenied):
        consent_set(coach_a, True)  # coaches and admins have no reps to give
    for other in (coach_a, admin_user):
        response = _client(other).post(reverse("privacy_consent"), {"consent": "yes"})
        assert response.status_code == 404
    assert _consent(athlete_a) is None
    anonymous = _client().post(reverse("privacy_consent"), {"consent": "yes"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(athlete_a)
    assert csrf_client.post(reverse("privacy_consent"), {"consent": "yes"}).status_code == 403
    assert _consent(athlete_a) is None


# --- download all my data ----------------------------------------------------------------


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_athlete_downloads_everything_of_theirs_as_a_zip(
    session_a, session_b, coach_a, coach_other
):
    athlete = session_a.athlete
    rep = session_a.analysis.reps.get(index=1)
    rep_label(rep=rep, author=coach_a, label="good")
    rep_label(rep=rep, author=coach_a, label="anomalous", faults=["rounded_back"], note="Back")
    comment_create(author=coach_a, session=session_a, body="Brace first", rep=rep)
    comment_create(author=coach_other, session=session_b, body="Not for A", rep=None)

    response = _client(athlete).get(reverse("my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="barbell-coach-')
    assert response["X-Content-Type-Options"] == "nosniff"
    archive = _zip(response)
    folder = f"sessions/{session_a.performed_at.isoformat()}-session-{session_a.pk}"
    names = set(archive.namelist())
    assert {
        "README.txt",
        "account.json",
        f"{folder}/session.json",
        f"{folder}/video.mp4",
        f"{folder}/reps/rep-01.png",
        f"{folder}/reps/rep-02.png",
    } == names
    assert archive.read(f"{folder}/video.mp4") == media_path(session_a.video.name).read_bytes()
    assert archive.getinfo(f"{folder}/video.mp4").compress_type == zipfile.ZIP_STORED
    assert archive.getinfo(f"{folder}/reps/rep-01.png").compress_type == zipfile.ZIP_STORED
    assert archive.getinfo(f"{folder}/session.json").compress_type == zipfile.ZIP_DEFLATED
    assert "session.json" in archive.read("README.txt").decode()

    data = json.loads(archive.read(f"{folder}/session.json"))
    assert data["session"]["id"] == session_a.pk and data["analysis"]["status"] == "done"
    first = data["reps"][0]
    assert first["number"] == 1 and first["kinematics"]["duration_s"] == 0.83
    assert first["verdict"]["verdict"] == "good" and first["verdict_history"]
    assert first["label"] == {
        "label": "anomalous",
        "faults": ["rounded_back"],
        "note": "Back",
        "labelled_by": "coach_a",
        "labelled_at": first["label"]["labelled_at"],
    }
    assert [h["to_label"] for h in first["label_history"]] == ["anomalous", "good"]
    assert first["image"] == {"file": f"{folder}/reps/rep-01.png"}
    assert data["comments"] == [
        {
            "author": "coach_a",
            "created_at": data["comments"][0]["created_at"],
            "body": "Brace first",
            "rep": 1,
            "video_time_s": None,
            "drawing": None,
        }
    ]
    account = json.loads(archive.read("account.json"))
    assert account["username"] == "athlete_a" and account["coaches"][0]["coach"] == "coach_a"
    # Nothing of athlete B's.
    everything = b"".join(archive.read(n) for n in names)
    assert b"athlete_b" not in everything and b"Not for A" not in everything
    assert f"session-{session_b.pk}".encode() not in b" ".join(n.encode() for n in names)


def test_only_the_athlete_themself_can_download_their_data(session_a, coach_a, admin_user):
    for other in (coach_a, admin_user):
        assert _client(other).get(reverse("my_data_export")).status_code == 404
    anonymous = _client().get(reverse("my_data_export"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url


def test_the_download_survives_missing_files(athlete_a):
    session = make_session(athlete_a, reps=1)
    media_remove(session.video.name)
    assert media_stat(session.video.name) is None
    response = _client(athlete_a).get(reverse("my_data_export"))
    archive = _zip(response)
    folder = f"sessions/{session.performed_at.isoformat()}-session-{session.pk}"
    assert f"{folder}/video.mp4" not in archive.namelist()
    data = json.loads(archive.read(f"{folder}/session.json"))
    assert data["session"]["video"] == {"file": None}


# --- delete my account -------------------------------------------------------------------


def _stored(session) -> list[str]:
    """The keys stored under the session's folder (the store, not a local copy)."""
    return stored_files(f"sessions/{session.folder}")


def _mirrored(session) -> bool:
    return (media_root() / "sessions" / session.folder).exists()


def test_deleting_needs_the_password_and_the_confirmation(session_a):
    athlete = session_a.athlete
    client = _client(athlete)
    url = reverse("account_delete")
    wrong = client.post(url, {"password": "nope", "confirm": "yes"})
    assert wrong.status_code == 400 and "password is not right" in wrong.content.decode()
    unconfirmed = client.post(url, {"password": PERSONA_PASSWORD})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    assert User.objects.filter(pk=athlete.pk).exists()
    assert TrainingSession.objects.filter(pk=session_a.pk).exists() and _stored(session_a)
    assert client.get(url).status_code == 405


def test_deleting_the_account_removes_rows_and_files_and_leaves_others_alone(
    session_a, session_b, coach_a, django_capture_on_commit_callbacks
):
    athlete = session_a.athlete
    rep_label(rep=session_a.analysis.reps.first(), author=coach_a, label="good")
    comment_create(author=coach_a, session=session_a, body="Nice", rep=None)
    analysis_id = session_a.analysis.pk
    others_files = _stored(session_b)
    client = _client(athlete)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_delete"), {"password": PERSONA_PASSWORD, "confirm": "yes"}
        )
    assert response.status_code == 302 and response.url == reverse("login")
    assert not User.objects.filter(username="athlete_a").exists()
    assert not Profile.objects.filter(user_id=athlete.pk).exists()
    assert not TrainingSession.objects.filter(athlete_id=athlete.pk).exists()
    assert not Analysis.objects.filter(pk=analysis_id).exists()
    assert not Rep.objects.filter(analysis_id=analysis_id).exists()
    assert not RepLabel.objects.filter(rep__analysis_id=analysis_id).exists()
    assert not Comment.objects.filter(session_id=session_a.pk).exists()
    assert not CoachAssignment.objects.filter(athlete_id=athlete.pk).exists()
    assert not _stored(session_a) and not _mirrored(session_a)
    # Everyone else's data stay.
    assert TrainingSession.objects.filter(pk=session_b.pk).exists()
    assert session_b.video.name in others_files and _stored(session_b) == others_files
    assert session_b.analysis.reps.count() == 2
    assert User.objects.filter(pk=coach_a.pk).exists()
    # Logged out, and the login page says what happened.
    login = client.get(response.url)
    assert login.status_code == 200 and "have been deleted" in login.content.decode()
    assert client.get(reverse("athlete_dashboard")).status_code == 302


def test_coaches_and_admins_cannot_delete_themselves_here(coach_a, admin_user):
    for user, password in ((coach_a, PERSONA_PASSWORD), (admin_user, PERSONA_PASSWORD)):
        client = _client(user)
        page = client.get(reverse("privacy")).content.decode()
        assert 'data-testid="privacy-not-athlete"' in page and "delete-form" not in page
        response = client.post(reverse("account_delete"), {"password": password, "confirm": "yes"})
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            account_erase(user=user, password=password, confirmed=True)
        assert User.objects.filter(pk=user.pk).exists()


def test_the_page_warns_which_reps_already_live_in_trained_versions(session_a, athlete_a):
    page = _client(athlete_a).get(reverse("privacy")).content.decode()
    assert "cannot be taken out of it" in page and "already trained or tested" not in page

    rep = session_a.analysis.reps.first()
    version = DetectorVersion.objects.create(name="v7", model_dir="/nowhere")
    TrainingRun.objects.create(
        status="done",
        is_open=False,
        version=version,
        snapshot={"train_rep_ids": [rep.pk], "heldout_rep_ids": []},
    )
    page = _client(athlete_a).get(reverse("privacy")).content.decode()
    note = re.search(r'data-testid="delete-versions-note">(.*?)</p>', page, re.S).group(1)
    assert "1 of your reps</strong> already trained or tested detector version v7." in note


def test_a_wrong_password_deletes_nothing_at_the_service_level(session_a):
    with pytest.raises(ValidationError):
        account_erase(user=session_a.athlete, password="", confirmed=True)
    assert TrainingSession.objects.filter(pk=session_a.pk).exists()
