"""A real worker killed mid-analysis: the job must not stay "running 34%" for ever.

A django-q2 cluster (`run_platform.py --worker`, as `make run` starts it) analyses a real
clip on the file-backed test database; it is SIGKILLed, whole process group, while the
analysis runs. Its heartbeat stops, the reaper (here called in the test process, as the
every-minute schedule would) fails the job within JOB_STALE_SECONDS, the one retry rule
allows it at once, and a fresh cluster runs the retry to the end.
"""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from analysis.models import Analysis
from analysis.services import analysis_can_retry, analysis_retry, jobs_reap, session_upload
from analysis.services.analyses import MESSAGE_WORKER_STOPPED
from tests.conftest import shared_path

CLIP = ("videos", "kantesh813+AI_GYM_Trainer", "deadlift.mp4")  # 15 s, 455 frames, 3 reps
STALE = 5  # seconds without a heartbeat before a job counts as dead (default: 120)


def _wait(what: str, condition, timeout: float, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None:
            assert worker.poll() is None, f"the worker exited ({worker.returncode}): see its log"
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@override_settings(JOB_STALE_SECONDS=STALE)
def test_a_killed_worker_fails_its_job_which_a_fresh_worker_then_completes(
    qcluster_start, athlete_a
):
    path = shared_path(*CLIP)
    began = time.monotonic()
    worker = qcluster_start(JOB_STALE_SECONDS=str(STALE))
    video = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
    session = session_upload(uploaded_by=athlete_a, athlete=athlete_a, video=video)
    analysis = Analysis.objects.get(session=session)

    def running_with_progress():
        analysis.refresh_from_db()
        return analysis.status == "running" and analysis.progress > 0

    _wait("the analysis to run", running_with_progress, timeout=90, worker=worker)
    os.killpg(worker.pid, signal.SIGKILL)  # the whole cluster, as the OOM killer would
    worker.wait()
    killed = time.monotonic()
    analysis.refresh_from_db()
    assert analysis.status == "running" and not analysis_can_retry(analysis)

    def reaped():
        jobs_reap()  # what the every-minute schedule runs on any live cluster
        analysis.refresh_from_db()
        return analysis.status == "failed"

    _wait("the reaper to fail the job", reaped, timeout=STALE + 5)
    assert time.monotonic() - killed <= STALE + 5
    assert analysis.error == MESSAGE_WORKER_STOPPED and analysis_can_retry(analysis)
    assert not list((Path(settings.MEDIA_ROOT) / "sessions" / session.folder).glob("analysis*"))

    qcluster_start(JOB_STALE_SECONDS=str(STALE))  # a plain restart of the worker
    analysis_retry(analysis=analysis)

    def finished():
        analysis.refresh_from_db()
        return analysis.status in ("done", "failed")

    _wait("the retried analysis to finish", finished, timeout=120)
    assert analysis.status == "done", analysis.error
    assert analysis.attempts == 2 and analysis.rep_count == 3
    assert analysis.reps.count() == 3
    out = Path(settings.MEDIA_ROOT) / analysis.output_dir
    assert out.name.startswith("analysis-2-") and (out / "report.json").is_file()
    print(f"worker-kill test: {time.monotonic() - began:.1f} s")


@pytest.fixture(autouse=True)
def _needs_the_clip():
    shared_path(*CLIP)  # skip before a worker starts when ../shared/data is absent
