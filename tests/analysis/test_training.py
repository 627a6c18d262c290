"""The learning loop with the real detector on the real SkeleMotion images: import, a
training run in the background task, activation, re-scoring, rollback, and the ways a run
is refused or fails without touching the active version."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from analysis.models import Rep, RepVerdict
from athletes.privacy import consent_set
from coach_platform.storage import media_publish, media_root, media_stat
from detectors.models import DetectorActivation, DetectorVersion
from detectors.services import detector_root
from reviews.services.labels import rep_label
from tests.conftest import make_session, shared_path
from training.models import TrainingRun
from training.selectors.training import training_set_queryset
from training.services.activation import detector_activate
from training.services.runs import TrainingBusy, training_run_execute, training_start
from training.services.training_set import dataset_import

GOOD_VIDEOS = ("deadlift2", "deadlift6", "deadlift7", "deadlift10", "deadlift12", "deadlift16")
ANOMALY_VIDEOS = ("anomaly2", "anomaly3", "anomaly4")


def _subset(tmp_path: Path, folder: str, videos: tuple[str, ...]) -> Path:
    """A folder with the reps of a few seed videos: enough to train in seconds."""
    source = shared_path("skelemotion", "seed", folder)
    out = tmp_path / folder
    out.mkdir()
    for video in videos:
        for png in source.glob(f"{video}_rep_*.png"):
            shutil.copy(png, out)
    return out


@pytest.fixture
def seed_subset(db, tmp_path):
    good = dataset_import(_subset(tmp_path, "train", GOOD_VIDEOS), label="good", source="seed")
    bad = dataset_import(
        _subset(tmp_path, "anomaly", ANOMALY_VIDEOS), label="anomalous", source="seed"
    )
    assert good.created > 60 and bad.created > 20
    return good.created, bad.created


def _store_valid_png(key: str) -> None:
    """Store a real SkeleMotion image under `key` (a platform rep's picture)."""
    shutil.copy(_a_valid_png(), media_root() / key)
    media_publish(media_root() / key)


def _a_valid_png() -> Path:
    """A real SkeleMotion image to stand in for a platform rep's picture."""
    return sorted(shared_path("skelemotion", "seed", "valid").glob("*.png"))[0]


def _train(capture, **kwargs) -> TrainingRun:
    """Start a run and let its on-commit task run (inline: Q_SYNC in tests/settings.py)."""
    with capture(execute=True):
        run = training_start(epochs=kwargs.pop("epochs", 2), **kwargs)
    run.refresh_from_db()
    return run


def test_import_copies_labels_skips_duplicates_and_rejects_what_is_not_skelemotion(db, tmp_path):
    folder = _subset(tmp_path, "train", ("deadlift1",))
    (folder / "notes.png").write_text("not an image")
    Image.new("RGB", (64, 64)).save(folder / "square.png")

    result = dataset_import(folder, label="good", source="seed")
    assert (result.created, result.duplicates) == (5, 0)
    assert sorted(name for name, _ in result.rejected) == ["notes.png", "square.png"]
    rep = Rep.objects.filter(source="seed").first()
    assert rep.analysis is None and rep.label == "good" and rep.group == "seed/deadlift1"
    assert media_stat(rep.image) is not None
    assert rep.label_history.get().to_label == "good"

    again = dataset_import(folder, label="good", source="seed")
    assert (again.created, again.duplicates) == (0, 5)
    assert Rep.objects.filter(source="seed").count() == 5
    with pytest.raises(ValidationError):
        dataset_import(folder, label="good", source="platform")  # reserved for uploads


def test_a_training_run_makes_a_version_with_its_metrics_and_leaves_activation_to_the_admin(
    seed_subset, django_capture_on_commit_callbacks, athlete_a, coach_a, athlete_b, coach_other
):
    # A coach's label joins the training set beside the imported reps, once the athlete
    # said yes; the labelled rep of an athlete who did not answer stays out.
    consent_set(athlete_a, True)
    session = make_session(athlete_a, reps=1)
    coach_rep = session.analysis.reps.get()
    _store_valid_png(coach_rep.image)
    rep_label(rep=coach_rep, author=coach_a, label="good")
    unconsented = make_session(athlete_b, reps=1).analysis.reps.get()
    _store_valid_png(unconsented.image)
    rep_label(rep=unconsented, author=coach_other, label="good")

    run = _train(django_capture_on_commit_callbacks)
    assert run.status == "done", run.error
    assert not run.is_open and run.epoch == 2 and len(run.history) == 2
    assert {"loss", "val_loss"} <= set(run.history[0])
    n_good, n_bad = seed_subset
    snap = run.snapshot
    assert snap["reps"] == n_good + n_bad + 1
    assert coach_rep.pk in snap["train_rep_ids"] + snap["heldout_rep_ids"]
    assert unconsented.pk not in snap["train_rep_ids"] + snap["heldout_rep_ids"]
    assert snap["heldout_good"] > 0 and snap["heldout_anomalous"] > 0
    assert not set(snap["train_rep_ids"]) & set(snap["heldout_rep_ids"])
    held_groups = set(Rep.objects.filter(pk__in=snap["heldout_rep_ids"]).values_list("group"))
    train_groups = set(Rep.objects.filter(pk__in=snap["train_rep_ids"]).values_list("group"))
    assert not held_groups & train_groups  # reps of one video never on both sides

    version = run.version
    assert version is not None and not version.is_active  # no auto-activation asked
    report = version.metrics["heldout"]
    assert 0.0 <= report["accuracy"] <= 1.0 and report["roc_auc"] is not None
    assert report["Anomaly"]["support"] == snap["heldout_anomalous"]
    assert sum(map(sum, report["confusion_matrix"])) == len(snap["heldout_rep_ids"])
    assert len(report["scores"]["anomalous"]) == snap["heldout_anomalous"]
    assert version.metrics["comparison"]["active"] is None
    assert version.model_dir.startswith("detectors/")  # a key, the same on every machine
    assert media_stat(f"{version.model_dir}/manifest.json")
    assert not list(detector_root().glob(".partial-*"))

    # Withdrawing consent leaves the next runs' set; the trained version stays as it was.
    consent_set(athlete_a, False)
    assert not training_set_queryset().filter(pk=coach_rep.pk).exists()
    run.refresh_from_db()
    assert run.version == version and run.snapshot == snap


def test_activation_rescores_without_touching_labels_and_rollback_restores_the_old_version(
    seed_subset, django_capture_on_commit_callbacks, athlete_a, coach_a, admin_user
):
    session = make_session(athlete_a, reps=2)  # judged by an old "test-v1" version
    reps = list(session.analysis.reps.all())
    for rep in reps:
        _store_valid_png(rep.image)
    consent_set(athlete_a, True)  # the labelled rep joins the training set
    rep_label(rep=reps[0], author=coach_a, label="anomalous", faults=["jerky"])

    first = _train(django_capture_on_commit_callbacks).version
    # Too few coach-tagged reps to learn a fault's line: the defaults stand, said so.
    assert first.metrics["faults"]["learnt"] == {} and "by_view" in first.metrics
    with django_capture_on_commit_callbacks(execute=True):
        detector_activate(version=first, author=admin_user)
    first.refresh_from_db()
    assert first.is_active and first.rescore_status == "done"
    assert first.rescored_count == Rep.objects.count()
    labelled = Rep.objects.get(pk=reps[0].pk)
    assert labelled.detector_version == first and labelled.verdict in ("good", "anomalous")
    assert (labelled.label, labelled.faults) == ("anomalous", ["jerky"])  # untouched
    versions = set(
        RepVerdict.objects.filter(rep=labelled).values_list("detector_version__name", flat=True)
    )
    assert versions == {"test-v1", first.name}  # the old verdict is kept in the history

    # A second run, auto-activation asked: compared with the active one on the same reps.
    second_run = _train(django_capture_on_commit_callbacks, auto_activate=True, seed=1)
    second = second_run.version
    comparison = second.metrics["comparison"]
    assert comparison["active"] == first.name and comparison["reps"] > 0
    assert {"accuracy", "roc_auc"} <= set(comparison["new"]) & set(comparison["old"])
    assert second_run.activated == second.metrics["beats_active"]

    # Rollback (or activation) through the API: one switch, logged.
    client = APIClient()
    client.force_authenticate(admin_user)
    target = first if second_run.activated else second
    # Not known to beat the active one (a roll back, or a loser): it needs a confirmation.
    refused = client.post(f"/api/detectors/{target.pk}/activate/")
    assert refused.status_code == 400 and "Confirm to activate" in refused.json()["confirm"][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/detectors/{target.pk}/activate/", {"confirm": True})
    assert response.status_code == 200 and response.json()["is_active"]
    assert list(DetectorVersion.objects.filter(is_active=True)) == [target]
    listed = client.get("/api/detectors/").json()["results"]
    assert {v["name"]: v["is_active"] for v in listed} == {
        "test-v1": False, first.name: target == first, second.name: target == second,
    }  # fmt: skip
    assert DetectorActivation.objects.filter(version=target).exists()
    labelled.refresh_from_db()
    assert labelled.detector_version == target and labelled.label == "anomalous"


def test_a_second_training_run_is_refused_while_one_is_open(db, admin_user):
    first = training_start(author=admin_user, enqueue=False)
    with pytest.raises(TrainingBusy, match="already in progress"):
        training_start(author=admin_user, enqueue=False)
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.post("/api/training-runs/", {"epochs": 2}, format="json")
    assert response.status_code == 409 and "already in progress" in response.json()["detail"]
    assert TrainingRun.objects.count() == 1

    # A run whose worker died (no sign of life for too long) does not block for ever.
    TrainingRun.objects.filter(pk=first.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    second = training_start(author=admin_user, enqueue=False)
    first.refresh_from_db()
    assert first.status == "failed" and "worker stopped" in first.error
    assert second.is_open


def test_a_failing_run_leaves_the_active_version_in_place(
    seed_subset, django_capture_on_commit_callbacks, admin_user
):
    active = DetectorVersion.objects.create(name="v-active", model_dir="/x", is_active=True)
    # Too few good reps: refused with a sentence.
    Rep.objects.filter(label="good").update(excluded=True)
    run = _train(django_capture_on_commit_callbacks)
    assert run.status == "failed" and "at least 8 reps labelled good" in run.error
    Rep.objects.update(excluded=False)

    # A crash inside training: a configuration the detector does not know reaches it.
    run = training_start(author=admin_user, enqueue=False)
    TrainingRun.objects.filter(pk=run.pk).update(params={**run.params, "config": "bogus"})
    run = training_run_execute(run.pk)
    assert run.status == "failed" and run.error.startswith("Training failed")
    assert run.version is None and not run.is_open
    assert list(DetectorVersion.objects.filter(is_active=True)) == [active]
    assert not list(detector_root().glob(".partial-*"))


def test_a_run_the_reaper_gave_up_on_registers_nothing_when_it_finishes_late(
    seed_subset, admin_user
):
    """A worker that looked dead (no heartbeat for JOB_STALE_SECONDS) but was only slow:
    the reaper failed its run and freed the slot; its late result is thrown away."""
    from coach_platform.jobs import jobs_reap

    active = DetectorVersion.objects.create(name="v-active", model_dir="/x", is_active=True)
    run = training_start(author=admin_user, enqueue=False, epochs=2)

    def reaped_meanwhile(epoch, logs):
        if epoch == 0:
            jobs_reap(stale_seconds=0)

    run = training_run_execute(run.pk, on_epoch=reaped_meanwhile)
    assert run.status == "failed" and "worker stopped" in run.error and not run.is_open
    assert run.version is None and run.epoch == 1  # nothing written after it was reaped
    assert list(DetectorVersion.objects.all()) == [active] and active.is_active
    assert not list(detector_root().glob(".partial-*"))


def test_train_detector_hands_the_run_to_a_worker_and_follows_it(qcluster, seed_subset):
    """The command enqueues the run; a real django-q2 worker trains it (its log says so) while
    the command follows the run's row to the end and reports the new version."""
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("train_detector", "--epochs", "2", "--poll", "0.5", stdout=out, stderr=err)
    run = TrainingRun.objects.get()
    assert run.status == "done" and run.epoch == 2 and run.version is not None
    assert f"New version {run.version.name}" in out.getvalue()
    assert "not activated" in out.getvalue()
    log = Path(settings.BASE_DIR) / "test-artifacts" / "analysis" / "worker-test_training.log"
    assert f"processing training-{run.pk}" in log.read_text()


def test_train_detector_in_the_foreground_trains_in_its_own_process(seed_subset):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("train_detector", "--epochs", "1", "--foreground", stdout=out, stderr=StringIO())
    run = TrainingRun.objects.get()
    assert run.status == "done" and run.epoch == 1
    assert f"New version {run.version.name}" in out.getvalue()
