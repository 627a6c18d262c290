"""Jobs that survive their workers: claiming, fair order, heartbeats, the reaper, one retry
rule, and re-runs that write beside the current result and swap only on success.

Tasks run inline here (Q_SYNC); the real-worker version (SIGKILL of a running qcluster) is
tests/analysis/test_worker_kill.py.
"""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import Analysis
from analysis.services.analyses import (
    MESSAGE_CRASHED,
    MESSAGE_WORKER_STOPPED,
    analysis_can_retry,
    analysis_claim,
    analysis_retry,
    analysis_run,
)
from analysis.tasks import analysis_run_task
from coach_platform.jobs import job_heartbeat, jobs_reap
from coach_platform.storage import media_folders, media_publish, media_root, media_stat
from core.result import AnalysisResult, Exercise, Rep, VideoInfo
from tests.conftest import make_session, served
from training.models import TrainingRun
from training.services.runs import training_start


def _queued(athlete, minutes_ago: float) -> Analysis:
    analysis = make_session(athlete, status="queued").analysis
    queued_at = timezone.now() - timedelta(minutes=minutes_ago)
    Analysis.objects.filter(pk=analysis.pk).update(queued_at=queued_at)
    return analysis


def _finish(analysis_id: int) -> None:
    Analysis.objects.filter(pk=analysis_id).update(status="done", finished_at=timezone.now())


def _result_folders(session) -> tuple[list[str], list[str]]:
    """The analysis folders of a session: those stored, and those in this machine's local
    mirror (a run writes there first; on the file system both are the store)."""
    key = f"sessions/{session.folder}"
    stored = [name for name in media_folders(key) if "analysis" in name]
    mirrored = sorted(p.name for p in (media_root() / key).iterdir() if "analysis" in p.name)
    return stored, mirrored


def _served(client: Client, session) -> dict[str, bytes]:
    """Every file of a session's result, as the review page's URLs serve it."""
    urls = [reverse("result_video", args=[session.pk]), reverse("report_json", args=[session.pk])]
    urls += [
        reverse("rep_image", args=[pk]) for pk in session.analysis.reps.values_list("pk", flat=True)
    ]
    bodies = {}
    for url in urls:
        response = served(client, url)
        assert response.status_code == 200, url
        bodies[url] = response.body
    return bodies


# --- claiming and fairness -----------------------------------------------------------------


def test_five_uploads_of_one_athlete_and_one_of_another_interleave(athlete_a, athlete_b):
    a = [_queued(athlete_a, minutes_ago=10 - i) for i in range(5)]
    b = _queued(athlete_b, minutes_ago=1)  # uploaded after all of A's
    order = []
    while (claim := analysis_claim()) is not None:
        order.append(claim[0])
        _finish(claim[0])
    assert order == [a[0].pk, b.pk, a[1].pk, a[2].pk, a[3].pk, a[4].pk]


def test_an_athlete_never_holds_more_workers_than_the_cap(athlete_a, athlete_b, settings):
    """With two workers (cap one per athlete) A's second upload waits while A's first runs,
    so the other worker stays free for B's clip."""
    settings.ANALYSES_PER_ATHLETE = 1
    a1, a2 = _queued(athlete_a, minutes_ago=10), _queued(athlete_a, minutes_ago=9)
    assert analysis_claim()[0] == a1.pk
    assert analysis_claim() is None  # only A's left, and A is at the cap
    b = _queued(athlete_b, minutes_ago=0)
    assert analysis_claim()[0] == b.pk
    _finish(a1.pk)
    assert analysis_claim()[0] == a2.pk
    settings.ANALYSES_PER_ATHLETE = 2
    a3 = _queued(athlete_a, minutes_ago=0)
    assert analysis_claim()[0] == a3.pk  # A now runs two: the cap allows it


def test_fairness_counts_analyses_running_or_started_in_the_last_hour(athlete_a, athlete_b):
    busy = make_session(athlete_a).analysis  # A's set analysed 20 minutes ago
    Analysis.objects.filter(pk=busy.pk).update(started_at=timezone.now() - timedelta(minutes=20))
    old = make_session(athlete_b).analysis  # B's two hours ago: no longer counts
    Analysis.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(hours=2))
    a = _queued(athlete_a, minutes_ago=5)
    b = _queued(athlete_b, minutes_ago=1)
    assert analysis_claim()[0] == b.pk  # A has one analysis in the last hour, B none
    assert analysis_claim()[0] == a.pk  # B's is running now: one each, A's is older
    assert analysis_claim() is None


def test_a_duplicate_delivery_runs_an_analysis_once(athlete_a, monkeypatch):
    analysis = _queued(athlete_a, minutes_ago=1)
    calls = []
    inner = []  # what the redeliveries inside the run returned: asserted once it has ended

    def pipeline(video, out_dir, **kwargs):
        calls.append(out_dir)
        # The same task delivered again while this one runs (ORM redelivery, a retry
        # click): nothing left to claim, so nothing runs. (An assert here could not fail
        # the test: analysis_run catches whatever the pipeline raises.)
        inner.append(analysis_run_task(analysis.pk))
        inner.append(analysis_run(analysis.pk).status)
        raise RuntimeError("stop here")

    monkeypatch.setattr("core.pipeline.run.analyze_video", pipeline)
    assert analysis_run_task(analysis.pk) == f"analysis {analysis.pk}: failed"
    assert inner == ["nothing queued", "running"]
    assert analysis_run_task(analysis.pk) == "nothing queued"  # a late one, after the end
    analysis.refresh_from_db()
    assert len(calls) == 1 and analysis.attempts == 1 and analysis.error == MESSAGE_CRASHED


# --- re-runs write beside the current result ---------------------------------------------


def test_a_crash_during_a_rerun_keeps_the_previous_result_served(
    athlete_a, monkeypatch, django_capture_on_commit_callbacks
):
    session = make_session(athlete_a)
    client = Client()
    client.force_login(athlete_a)
    before = _served(client, session)
    paths = (session.analysis.result_video, session.analysis.report_file)
    Analysis.objects.filter(pk=session.analysis.pk).update(status="failed")

    def pipeline(video, out_dir, **kwargs):
        (Path(out_dir) / "result.mp4").write_bytes(b"half a video")
        raise RuntimeError("the worker's pipeline crashed")

    monkeypatch.setattr("core.pipeline.run.analyze_video", pipeline)
    with django_capture_on_commit_callbacks(execute=True):  # the retry's task runs inline
        analysis_retry(analysis=session.analysis)
    analysis = Analysis.objects.get(pk=session.analysis.pk)
    assert analysis.status == "failed" and analysis.error == MESSAGE_CRASHED
    assert (analysis.result_video, analysis.report_file) == paths
    assert _served(client, session) == before  # same URLs, same bytes
    # The new folder went (stored and local), the previous one stayed.
    assert _result_folders(session) == (["analysis"], ["analysis"])


def test_a_late_result_of_a_run_the_reaper_gave_up_on_is_not_stored(
    athlete_a, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.ANALYSIS_LOST_REQUEUES = 0  # the reaper fails a lost run at once
    session = make_session(athlete_a)
    client = Client()
    client.force_login(athlete_a)
    before = _served(client, session)
    Analysis.objects.filter(pk=session.analysis.pk).update(status="failed")

    def pipeline(video, out_dir, **kwargs):
        jobs_reap(stale_seconds=0)  # meanwhile, the reaper took this worker for dead
        (Path(out_dir) / "reps").mkdir(parents=True)  # the reaper removed its folder
        (Path(out_dir) / "reps" / "rep1.png").write_bytes(b"new")
        info = VideoInfo(path=str(video), frames=30, fps=30.0, width=64, height=64, duration_s=1)
        rep = Rep(1, 0, 10, 20, 0.0, 0.33, 0.66, True, {}, {}, image="reps/rep1.png")
        exercise = Exercise("deadlift", True, "")
        return AnalysisResult(info, exercise, [rep], {}, 30, 30)

    monkeypatch.setattr("core.pipeline.run.analyze_video", pipeline)
    with django_capture_on_commit_callbacks(execute=True):
        analysis_retry(analysis=session.analysis)
    analysis = Analysis.objects.get(pk=session.analysis.pk)
    assert analysis.status == "failed" and analysis.error == MESSAGE_WORKER_STOPPED
    assert analysis.reps.count() == 2 and _served(client, session) == before
    # The late result's folder is gone (stored and local): only the previous one is left.
    assert _result_folders(session) == (["analysis"], ["analysis"])


# --- one retry rule ----------------------------------------------------------------------


def test_a_done_analysis_is_not_retried_by_the_page_nor_the_api(
    athlete_a, django_capture_on_commit_callbacks
):
    session = make_session(athlete_a)
    client = Client()
    client.force_login(athlete_a)
    api = APIClient()
    api.force_authenticate(athlete_a)
    assert not analysis_can_retry(session.analysis)
    assert (
        'data-testid="retry"'
        not in client.get(reverse("session_review", args=[session.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.post(reverse("session_retry", args=[session.pk]), follow=True)
        response = api.post(f"/api/sessions/{session.pk}/retry/")
    assert callbacks == []  # nothing enqueued
    assert "only a failed or stalled one can run again" in page.content.decode()
    assert response.status_code == 400 and list(response.json()) == ["status"]
    analysis = Analysis.objects.get(pk=session.analysis.pk)
    assert (analysis.status, analysis.attempts) == ("done", 0)


def test_page_and_api_follow_the_same_retry_rule(athlete_a, django_capture_on_commit_callbacks):
    analysis = make_session(athlete_a, status="failed").analysis
    session = analysis.session
    client = Client()
    client.force_login(athlete_a)
    api = APIClient()
    api.force_authenticate(athlete_a)

    # Failed: the page shows the button and its POST queues the job again, once.
    assert (
        'data-testid="retry"'
        in client.get(reverse("session_review", args=[session.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("session_retry", args=[session.pk]))
    assert len(callbacks) == 1
    # Queued a moment ago: neither retries it.
    assert api.post(f"/api/sessions/{session.pk}/retry/").status_code == 400
    assert client.get(reverse("session_status", args=[session.pk])).json()["can_retry"] is False

    # Running, its heartbeat long stale (the worker died): both may retry.
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    Analysis.objects.filter(pk=analysis.pk).update(status="running", heartbeat_at=stale)
    assert client.get(reverse("session_status", args=[session.pk])).json()["can_retry"] is True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(f"/api/sessions/{session.pk}/retry/")
    assert response.status_code == 202 and len(callbacks) == 1
    assert Analysis.objects.get(pk=analysis.pk).status == "queued"


# --- heartbeats and the reaper ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_keeps_a_running_job_fresh_from_its_own_thread(athlete_a, settings):
    settings.JOB_STALE_SECONDS = 1  # a beat every 0.25 s
    analysis = make_session(athlete_a, status="queued").analysis
    long_ago = timezone.now() - timedelta(hours=1)
    Analysis.objects.filter(pk=analysis.pk).update(
        status="running", attempts=1, heartbeat_at=long_ago
    )
    with job_heartbeat(Analysis, analysis.pk, status="running", attempts=1):
        time.sleep(0.8)  # no progress, yet signs of life
        analysis.refresh_from_db()
        assert timezone.now() - analysis.heartbeat_at < timedelta(seconds=0.6)
        assert not analysis_can_retry(analysis)
    # Another attempt's heartbeat never touches this claim.
    Analysis.objects.filter(pk=analysis.pk).update(heartbeat_at=long_ago)
    with job_heartbeat(Analysis, analysis.pk, status="running", attempts=2):
        time.sleep(0.6)
    analysis.refresh_from_db()
    assert analysis.heartbeat_at == long_ago and analysis_can_retry(analysis)


def test_the_reaper_queues_a_lost_run_again_once_then_fails_it_and_leaves_live_ones(
    athlete_a, django_capture_on_commit_callbacks
):
    dead, alive = make_session(athlete_a).analysis, make_session(athlete_a).analysis
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    Analysis.objects.filter(pk=dead.pk).update(status="running", attempts=2, heartbeat_at=stale)
    Analysis.objects.filter(pk=alive.pk).update(status="running", heartbeat_at=timezone.now())
    half_written = media_root() / f"sessions/{dead.session.folder}/analysis-2-abcdef"
    half_written.mkdir()
    (half_written / "report.json").write_text("{}")
    media_publish(half_written)
    assert not analysis_can_retry(Analysis.objects.get(pk=alive.pk))

    with django_capture_on_commit_callbacks() as enqueued:
        counts = jobs_reap()
    assert (counts["analyses_restarted"], counts["analyses_failed"]) == (1, 0)
    assert len(enqueued) == 1  # a task for any worker
    dead.refresh_from_db()
    assert (dead.status, dead.worker_losses, dead.error) == ("queued", 1, "")
    assert media_stat(f"sessions/{dead.session.folder}/analysis-2-abcdef/report.json") is None
    assert media_stat(dead.result_video)  # the previous result stays served
    assert Analysis.objects.get(pk=alive.pk).status == "running"

    # Its next worker is lost too: failed, retryable, and a person's retry counts afresh.
    Analysis.objects.filter(pk=dead.pk).update(status="running", attempts=3, heartbeat_at=stale)
    counts = jobs_reap()
    assert (counts["analyses_restarted"], counts["analyses_failed"]) == (0, 1)
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.error == MESSAGE_WORKER_STOPPED
    assert analysis_can_retry(dead) and dead.worker_losses == 2
    assert analysis_retry(analysis=dead).worker_losses == 0


def test_the_reaper_fails_a_dead_training_run_and_frees_the_slot(admin_user):
    run = training_start(author=admin_user, enqueue=False)
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    TrainingRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=stale)
    assert jobs_reap()["training_runs_failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "worker stopped" in run.error and not run.is_open
    assert training_start(author=admin_user, enqueue=False).is_open  # another may start


def test_the_reaper_enqueues_again_the_tasks_queued_analyses_lost(athlete_a, monkeypatch):
    """With whichever broker the settings chose (the ORM's, or Redis with REDIS_URL)."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.signing import SignedPackage
    from django_q.tasks import async_task

    monkeypatch.setattr(Conf, "SYNC", False)  # into the broker, not run inline
    broker = get_broker()
    broker.purge_queue()
    lost = [_queued(athlete_a, minutes_ago=10), _queued(athlete_a, minutes_ago=9)]
    fresh = _queued(athlete_a, minutes_ago=0)
    async_task("analysis.tasks.analysis_run_task", fresh.pk)  # the one task still there
    assert broker.queue_size() == 1

    assert jobs_reap()["analyses_requeued"] == 2
    assert jobs_reap()["analyses_requeued"] == 0  # as many tasks as queued analyses now
    args = []
    while len(args) < 3:
        tasks = broker.dequeue()
        assert tasks, f"only {len(args)} tasks in the queue"
        args += [SignedPackage.loads(package)["args"][0] for _, package in tasks]
    assert sorted(args) == sorted([fresh.pk] + [a.pk for a in lost])
    broker.purge_queue()


@pytest.mark.django_db(transaction=True)
def test_migrations_schedule_the_reaper_every_minute():
    from django.core.management import call_command
    from django_q.models import Schedule

    # Transactional tests empty every table when they end, the migrations' rows too: apply
    # the schedule's migration again (back to the one before it, then every app forward:
    # the apps whose models moved out of `analysis` come after it).
    call_command("migrate", "analysis", "0004_analysis_heartbeat", verbosity=0)
    assert not Schedule.objects.filter(func="analysis.tasks.jobs_reap_task").exists()
    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(func="analysis.tasks.jobs_reap_task")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)
    assert jobs_reap() == {
        "analyses_failed": 0,
        "analyses_restarted": 0,
        "analyses_requeued": 0,
        "training_runs_failed": 0,
    }
