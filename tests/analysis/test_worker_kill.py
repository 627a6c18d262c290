"""Two real workers, one killed mid-analysis: every job still finishes.

Two django-q2 clusters (`run_platform.py --worker`, as `make serve` starts them on each
machine) share the file-backed test database (or PostgreSQL + Redis in CI's scale run) and
an S3 server, each with its own local mirror of the media, as two machines would. Three
sets are uploaded; the cluster running one of them is SIGKILLed, whole process group, as the
OOM killer or a machine going away would. Its heartbeat stops, the reaper (here called in
the test process, as the every-minute schedule would on the surviving cluster) queues the
run again within JOB_STALE_SECONDS, and the other worker finishes it and the rest.
"""

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from analysis.models import Analysis
from coach_platform.jobs import jobs_reap
from coach_platform.storage import media_stat
from tests.conftest import shared_path, wait_for
from uploads.services.uploads import session_upload

# A short clip (4.5 s, 133 frames, 2 reps): the test is about the lost job, not the posing.
CLIP = ("videos", "RFN-Dev-Git+AI-GYM", "Deadlift3.mp4")
STALE = 5  # seconds without a heartbeat before a job counts as dead (default: 120)


@override_settings(JOB_STALE_SECONDS=STALE)
def test_a_worker_killed_mid_job_loses_no_job_the_other_worker_finishes_them_all(
    qcluster_start, s3_media, athlete_a, capsys
):
    path = shared_path(*CLIP)
    env = {**s3_media.worker_env(), "JOB_STALE_SECONDS": str(STALE)}
    first, second = qcluster_start(**env), qcluster_start(**env)
    workers = {first.pid: first, second.pid: second}
    sessions = [
        session_upload(
            uploaded_by=athlete_a,
            athlete=athlete_a,
            video=SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4"),
        )
        for _ in range(3)
    ]
    analyses = Analysis.objects.filter(session__in=sessions)

    def one_running_with_progress():
        return analyses.filter(status="running", progress__gt=0).exclude(worker="").first()

    victim = wait_for("an analysis to run", one_running_with_progress, 120, workers.values())
    cluster = workers.pop(os.getpgid(int(victim.worker.rsplit(":", 1)[1])))  # its cluster
    os.killpg(cluster.pid, signal.SIGKILL)  # the whole cluster, as the OOM killer would
    cluster.wait()
    killed = time.monotonic()
    survivor = next(iter(workers.values()))

    def queued_again():
        jobs_reap()  # what the every-minute schedule runs on any live cluster
        victim.refresh_from_db()
        return victim.status == "queued" or victim.attempts > 1

    wait_for("the reaper to queue the lost run again", queued_again, STALE + 10, [survivor])
    requeued = time.monotonic() - killed
    assert requeued <= STALE + 10

    def running_again():
        victim.refresh_from_db()
        return victim.attempts > 1 and victim.status != "queued"

    wait_for("the lost run to start again", running_again, 120, [survivor])
    restarted = time.monotonic() - killed

    def all_finished():
        jobs_reap()
        return not analyses.exclude(status__in=["done", "failed"]).exists()

    wait_for("every analysis to finish", all_finished, 300, [survivor])
    for analysis in analyses:
        assert analysis.status == "done", analysis.error
        assert analysis.rep_count == 2 and analysis.reps.count() == 2
        assert media_stat(analysis.report_file) and not analysis.worker_losses
        assert s3_media.keys(analysis.output_dir + "/")  # stored in the bucket
    victim.refresh_from_db()
    assert victim.attempts == 2 and victim.output_dir.rsplit("/", 1)[1].startswith("analysis-2-")
    assert not s3_media.keys(f"sessions/{victim.session.folder}/analysis-1-")  # lost run's files
    with capsys.disabled():
        print(
            f"\nworker-kill test: the lost run was queued again {requeued:.1f} s after the kill "
            f"and ran again after {restarted:.1f} s (once the other worker was free)"
        )


@pytest.fixture(autouse=True)
def _needs_the_clip():
    shared_path(*CLIP)  # skip before a worker starts when ../shared/data is absent
