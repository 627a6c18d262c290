"""The background analysis with the real pipeline: upload -> job -> reps and files.

Tasks run inline here (Q_SYNC in tests/settings.py); `on_commit` callbacks are executed
explicitly because each test runs inside a transaction.
"""

import json
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from analysis.models import Analysis, RepVerdict
from analysis.selectors.media import result_video_url
from analysis.services.analyses import analysis_retry
from analysis.services.videos import analysis_export_request, analysis_video_redraw
from coach_platform.storage import media_folders, media_path, media_root, media_stat
from core.pipeline.run import VIDEO_MARKS
from core.result import Judgement
from detectors.models import DetectorVersion
from detectors.services import _judges
from reviews.services.labels import rep_label
from tests.conftest import shared_path, stored_files
from training.services.activation import detector_activate
from uploads.services.uploads import session_upload

SHORT_CLIP = ("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")  # 133 frames, 2 reps
CURL = ("videos", "jrplatin+FormFit", "curl.mp4")
# A lifter setting up and never pulling (the source cut the clip before the pull): no lift.
NO_LIFT = ("videos", "BichraiX+AI-Deadlift-Analysis", "good", "good012.mp4")
# The analyses here are about what follows the poses (jobs, files, rows, reruns): each
# file's poses are computed once in the run (tests/pose_cache.py).
pytestmark = pytest.mark.usefixtures("pose_cache")


def _upload(athlete, path: Path, capture, **extra):
    video = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
    with capture(execute=True):
        session = session_upload(uploaded_by=athlete, athlete=athlete, video=video, **extra)
    return Analysis.objects.get(session=session)


class ThresholdJudge:
    """A stand-in for a trained detector (the detector has its own tests): it flags reps
    whose SkeleMotion image is brighter than the mean, so both verdicts appear."""

    version = "stand-in"

    def judge(self, images: np.ndarray, views=None) -> list[Judgement]:
        means = images.reshape(len(images), -1).mean(axis=1) / 255
        cut = float(means.mean())
        return [
            Judgement(
                verdict="anomalous" if m > cut else "good",
                score=float(m),
                threshold=cut,
                joints=["hips"] if m > cut else [],
            )
            for m in means
        ]


def test_an_upload_becomes_reps_with_files_and_a_rerun_swaps_folders_without_duplicates(
    athlete_a, admin_user, django_capture_on_commit_callbacks
):
    analysis = _upload(athlete_a, shared_path(*SHORT_CLIP), django_capture_on_commit_callbacks)
    assert analysis.status == "done", analysis.error
    assert analysis.progress == 100.0
    assert analysis.rep_count == 2
    reps = list(analysis.reps.all())
    assert [r.index for r in reps] == [1, 2]
    for rep in reps:
        assert rep.start_s < rep.lockout_s < rep.end_s
        assert media_stat(rep.image) is not None and media_stat(rep.orientation) is not None
        assert np.load(media_path(rep.orientation)).dtype.kind == "f"
        assert rep.verdict is None  # no active detector: "not judged yet"
        assert "duration_s" in rep.kinematics
    # Results come first: no video is drawn; the upload plays with the drawing over it.
    assert analysis.result_video == "" and analysis.export == ""
    assert analysis.playback == "original"  # H.264 in MP4: browsers play the upload itself
    assert media_stat(f"{analysis.output_dir}/overlay_landmarks.npy") is not None

    first_dir = analysis.output_dir
    assert first_dir.rsplit("/", 1)[1].startswith("analysis-1-") and stored_files(first_dir)

    # Run again (a failed one may be retried), now with an active detector that cannot
    # load: same rep rows (upserted, not duplicated), still not judged, and a warning that
    # says why. The re-run wrote into a new folder; the rows point into it and the old
    # folder is gone once that was committed.
    DetectorVersion.objects.create(name="broken", model_dir="/nonexistent", is_active=True)
    pks = [r.pk for r in reps]
    rep_label(rep=reps[0], author=admin_user, label="anomalous", faults=["jerky"])
    Analysis.objects.filter(pk=analysis.pk).update(status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        analysis_retry(analysis=analysis)
    analysis.refresh_from_db()
    assert analysis.status == "done" and analysis.attempts == 2
    assert [r.pk for r in analysis.reps.all()] == pks
    new_dir = analysis.output_dir
    session_dir, new_name = new_dir.rsplit("/", 1)
    assert new_name.startswith("analysis-2-")
    assert not stored_files(first_dir) and not (media_root() / first_dir).exists()
    assert media_folders(session_dir) == sorted(["upload", new_name])
    for path in [analysis.report_file] + [
        getattr(rep, field)
        for rep in analysis.reps.all()
        for field in ("image", "orientation", "magnitude", "landmarks")
    ]:
        assert media_stat(path) is not None and path.startswith(new_dir + "/")
    assert analysis.reps.get(pk=pks[0]).label == "anomalous"  # labels survive re-analysis
    assert any("broken" in w for w in analysis.warnings)
    assert not analysis.reps.exclude(verdict=None).exists()

    client = Client()
    client.force_login(athlete_a)
    page = client.get(reverse("session_review", args=[analysis.session_id])).content.decode()
    assert page.count('data-testid="rep-card"') == 2
    # No detector: the named faults still judge every rep, with their evidence.
    assert page.count('data-testid="fault-evidence"') == 2
    assert "not judged yet" not in page
    assert all(r.detected_faults is not None for r in analysis.reps.all())


def test_an_active_detector_judges_reps_and_keeps_a_verdict_history(
    athlete_a, django_capture_on_commit_callbacks
):
    version = DetectorVersion.objects.create(
        name="v-test", model_dir="/models/v-test", is_active=True
    )
    _judges[(version.pk, version.model_dir)] = ThresholdJudge()
    try:
        analysis = _upload(athlete_a, shared_path(*SHORT_CLIP), django_capture_on_commit_callbacks)
        assert analysis.status == "done", analysis.error
        reps = list(analysis.reps.all())
        assert {r.verdict for r in reps} <= {"good", "anomalous"}
        assert all(r.detector_version == version and r.score is not None for r in reps)
        history = RepVerdict.objects.filter(rep__analysis=analysis, detector_version=version)
        assert history.count() == 2
    finally:
        _judges.clear()


def test_the_annotated_video_is_made_on_request_and_redrawn_with_a_new_detector(
    athlete_a, django_capture_on_commit_callbacks
):
    analysis = _upload(athlete_a, shared_path(*SHORT_CLIP), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):  # the export task runs inline
        analysis_export_request(analysis)
    analysis.refresh_from_db()
    assert analysis.export == "ready"
    key = analysis.result_video
    assert media_stat(key) is not None and key.rsplit("/", 1)[0] == analysis.output_dir
    with av.open(str(media_path(key))) as container:  # every input frame, boxes drawn on
        assert sum(1 for _ in container.decode(video=0)) == 133
    drawn_at, url = media_stat(key)[1], result_video_url(analysis)
    drawn_bytes = media_path(key).read_bytes()
    version = DetectorVersion.objects.create(name="v-redraw", model_dir="/models/v-redraw")
    _judges[(version.pk, version.model_dir)] = ThresholdJudge()
    try:
        with django_capture_on_commit_callbacks(execute=True):  # re-scoring, then the redraw
            detector_activate(version=version)
    finally:
        _judges.clear()
    verdicts = dict(analysis.reps.values_list("index", "verdict"))
    assert set(verdicts.values()) == {"good", "anomalous"}
    drawn = json.loads(media_path(f"{analysis.output_dir}/{VIDEO_MARKS}").read_text())
    # The video shows each rep's outcome (the detector's "unusual" unless a fault is named).
    outcomes = {r.index: r.outcome.value for r in analysis.reps.all()}
    assert "unusual" in outcomes.values() or any(r.detected_faults for r in analysis.reps.all())
    assert {index: outcome for index, _, outcome, _ in drawn} == outcomes
    # Stored again: a newer object holding the new drawing.
    assert media_stat(key)[1] >= drawn_at and media_path(key).read_bytes() != drawn_bytes
    assert result_video_url(analysis) != url  # browsers fetch the new video, not their copy
    assert not analysis_video_redraw(analysis.pk)  # already shows these verdicts
    # Asking again keeps the one made (and redrawn).
    assert analysis_export_request(analysis).export == "ready"


def test_no_video_is_drawn_for_an_analysis_nobody_exported(
    athlete_a, django_capture_on_commit_callbacks
):
    analysis = _upload(athlete_a, shared_path(*SHORT_CLIP), django_capture_on_commit_callbacks)
    version = DetectorVersion.objects.create(name="v-quiet", model_dir="/models/v-quiet")
    _judges[(version.pk, version.model_dir)] = ThresholdJudge()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            detector_activate(version=version)
    finally:
        _judges.clear()
    analysis.refresh_from_db()
    assert analysis.reps.exclude(verdict=None).exists()  # re-scored...
    assert analysis.result_video == "" and not analysis_video_redraw(analysis.pk)  # ...not drawn
    assert not [key for key in stored_files(analysis.output_dir) if key.endswith(".mp4")]


def test_a_curl_is_counted_and_each_rep_says_it_is_not_judged_for_form(
    athlete_a, django_capture_on_commit_callbacks
):
    """One of the seeds' other exercises: recognised, its reps counted (the manifest's
    notes: 5 curls), never failed, and no verdict claimed for form."""
    analysis = _upload(athlete_a, shared_path(*CURL), django_capture_on_commit_callbacks)
    assert analysis.status == "done" and analysis.exercise_detected == "curl"
    assert analysis.session.exercise == "curl" and analysis.rep_count == 5
    reasons = set(analysis.reps.values_list("not_judged_reason", flat=True))
    assert reasons == {"Curl reps are counted, not judged for form."}
    assert not analysis.reps.exclude(verdict=None).exists()


def test_a_clip_showing_no_lift_fails_with_a_sentence_keeps_the_upload_and_can_be_retried(
    athlete_a, django_capture_on_commit_callbacks
):
    analysis = _upload(athlete_a, shared_path(*NO_LIFT), django_capture_on_commit_callbacks)
    assert analysis.status == "failed"
    assert "rep was seen" in analysis.error
    assert analysis.reps.count() == 0
    assert media_stat(analysis.session.video.name) is not None

    client = Client()
    client.force_login(athlete_a)
    page = client.get(reverse("session_review", args=[analysis.session_id])).content.decode()
    assert analysis.error in page and 'data-testid="retry"' in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        analysis_retry(analysis=analysis)
    assert analysis.status == "queued" and analysis.error == "" and len(callbacks) == 1


def test_a_video_with_nobody_in_it_fails_with_a_sentence(
    athlete_a, django_capture_on_commit_callbacks, tmp_path
):
    import cv2

    path = tmp_path / "empty-room.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (160, 120))
    for i in range(45):
        writer.write(np.full((120, 160, 3), 40 + i, np.uint8))
    writer.release()
    analysis = _upload(athlete_a, path, django_capture_on_commit_callbacks)
    assert analysis.status == "failed"
    assert "person" in analysis.error.lower()


def test_a_file_that_is_not_a_video_is_refused_and_nothing_is_kept(athlete_a):
    stored_before = stored_files("sessions")
    video = SimpleUploadedFile("notes.mp4", b"this is text, not a video" * 100)
    with pytest.raises(ValidationError):
        session_upload(uploaded_by=athlete_a, athlete=athlete_a, video=video)
    assert not Analysis.objects.exists()
    assert stored_files("sessions") == stored_before


def test_an_upload_over_the_size_limit_is_refused(athlete_a, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client = Client()
    client.force_login(athlete_a)
    video = SimpleUploadedFile("big.mp4", b"\x00" * 5000, content_type="video/mp4")
    response = client.post(reverse("session_upload"), {"video": video, "exercise": "deadlift"})
    assert response.status_code == 200
    assert "limit" in response.content.decode()
    assert not Analysis.objects.exists()
