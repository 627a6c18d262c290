"""Media in S3-compatible object storage (MEDIA_STORAGE=s3), against a real S3 server (moto's
server mode, or the one CI's scale run names): every file goes through the storage API, a
job works on local copies in its machine's mirror and stores what it wrote, another machine
(an empty mirror) reads the same files, and browsers get the video from the bucket with
byte ranges."""

import os
import shutil
import time
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from analysis.models import Analysis
from analysis.services.analyses import analysis_retry
from coach_platform.storage import (
    media_file,
    media_folders,
    media_path,
    media_publish,
    media_remove,
    media_root,
    media_stat,
    media_tree,
)
from tests.analysis.test_media import _chart
from tests.conftest import shared_path
from uploads.services.uploads import session_upload

CLIP = ("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")  # 15 s, 3 reps


def _fetch(url: str, **headers: str):
    """(status, headers, body) of a GET of a URL of the bucket, as a browser makes it."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


def _another_machine(settings, tmp_path, name: str):
    """The same settings with an empty local mirror: what a second machine sees."""
    settings.MEDIA_CACHE_ROOT = tmp_path / name
    assert not (tmp_path / name).exists()


def test_a_file_written_in_the_mirror_is_stored_and_read_back_elsewhere(
    s3_media, settings, tmp_path
):
    local = media_root() / "sessions" / "f1" / "analysis-1-abc" / "report.json"
    local.parent.mkdir(parents=True)
    local.write_text('{"reps": 3}')
    assert media_path("sessions/f1/analysis-1-abc/report.json") is None  # not stored yet
    media_publish(local.parent)
    assert s3_media.keys() == ["sessions/f1/analysis-1-abc/report.json"]
    assert media_stat("sessions/f1/analysis-1-abc/report.json")[0] == 11
    assert media_folders("sessions/f1") == ["analysis-1-abc"]

    _another_machine(settings, tmp_path, "mirror-2")
    copy = media_path("sessions/f1/analysis-1-abc/report.json")
    assert copy.read_text() == '{"reps": 3}' and str(copy).startswith(str(tmp_path / "mirror-2"))

    # Rewritten on the first machine: the second machine's copy is older and is fetched again.
    time.sleep(1.1)  # the store keeps whole seconds
    settings.MEDIA_CACHE_ROOT = local.parents[3]
    local.write_text('{"reps": 4}')
    media_publish(local)
    _, modified = media_stat("sessions/f1/analysis-1-abc/report.json")
    settings.MEDIA_CACHE_ROOT = tmp_path / "mirror-2"
    os.utime(copy, (modified / 1000 - 5, modified / 1000 - 5))
    assert media_path("sessions/f1/analysis-1-abc/report.json").read_text() == '{"reps": 4}'

    media_remove("sessions/f1")
    assert s3_media.keys() == [] and not copy.exists()


@pytest.mark.parametrize("key", ["", "../outside", "/etc/passwd", "sessions/../../x", "a\\b"])
def test_keys_that_could_leave_the_store_are_refused(s3_media, key):
    assert media_path(key) is None and media_stat(key) is None
    with pytest.raises(FileNotFoundError):
        media_file(key)  # what a job asks for the upload it must work on
    media_remove(key)  # logged and left alone, never an error


def test_a_set_analysed_on_one_machine_is_reviewed_from_another_with_ranges_from_the_bucket(
    pose_cache, s3_media, settings, tmp_path, athlete_a, django_capture_on_commit_callbacks
):
    path = shared_path(*CLIP)
    video = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):  # analysed inline (Q_SYNC)
        session = session_upload(uploaded_by=athlete_a, athlete=athlete_a, video=video)
    analysis = Analysis.objects.get(session=session)
    assert analysis.status == "done", analysis.error
    assert analysis.rep_count == 3
    keys = s3_media.keys(f"sessions/{session.folder}/")
    assert f"sessions/{session.folder}/upload/original.mp4" in keys
    assert f"{analysis.output_dir}/report.json" in keys
    rep = analysis.reps.order_by("index").first()
    assert rep.image in keys and rep.body_image in keys
    assert not any(k.startswith("/") for k in keys)

    _another_machine(settings, tmp_path, "web-2")
    client = Client()
    client.force_login(athlete_a)
    angles = _chart(client, session)["angles"]  # from the kept track, fetched from the bucket
    assert len(angles["hip"]) > 400 and any(a is not None for a in angles["hip"])
    overlay = client.get(reverse("session_overlay", args=[session.pk])).json()
    assert len(overlay["points"]) > 400 and len(overlay["reps"]) == 3

    answer = client.get(reverse("session_video", args=[session.pk]))
    assert answer.status_code == 302 and answer["Location"].startswith(s3_media.endpoint)
    assert "no-store" in answer["Cache-Control"]
    status, headers, body = _fetch(answer["Location"], Range="bytes=100-199")
    assert status == 206 and body == path.read_bytes()[100:200]
    assert headers["Content-Type"] == "video/mp4"

    image = client.get(reverse("rep_image", args=[rep.pk]))
    status, headers, body = _fetch(image["Location"])
    assert headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")

    other = Client()  # nobody else gets a URL of the bucket
    other.force_login(athlete_a.__class__.objects.create_user("someone", password="x" * 12))
    assert other.get(reverse("session_video", args=[session.pk])).status_code == 404

    # A re-run on this machine replaces the first run's folder, in the bucket too.
    first = analysis.output_dir
    analysis.status = "failed"
    analysis.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        analysis_retry(analysis=analysis)
    analysis.refresh_from_db()
    assert analysis.status == "done" and analysis.output_dir != first
    assert not s3_media.keys(first + "/")
    assert s3_media.keys(analysis.output_dir + "/")


def test_a_detector_version_is_stored_by_key_and_loaded_on_a_machine_that_never_saw_it(
    s3_media, settings, tmp_path, db
):
    from detectors.models import DetectorVersion
    from detectors.services import detector_local_dir

    folder = media_root() / "detectors" / "v1-20261125-run1"
    (folder / "weights").mkdir(parents=True)
    (folder / "manifest.json").write_text("{}")
    (folder / "weights" / "model.keras").write_bytes(b"\x01" * 1000)
    media_publish(folder)
    version = DetectorVersion.objects.create(name="v1", model_dir="detectors/v1-20261125-run1")
    shutil.rmtree(media_root())

    _another_machine(settings, tmp_path, "worker-2")
    local = detector_local_dir(version)
    assert local == tmp_path / "worker-2" / "detectors" / "v1-20261125-run1"
    assert (local / "weights" / "model.keras").read_bytes() == b"\x01" * 1000
    assert media_tree("detectors/none") is None
