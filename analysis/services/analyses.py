"""Writes about analyses: create and enqueue a job, claim and run it, store its result.

A job runs only after a worker claims it: one UPDATE ... WHERE status='queued' turns it
`running` and counts an attempt; a duplicate or late delivery of the task finds nothing to
claim and does nothing. The task does not run the analysis it was enqueued for but the next
one by fairness (the athlete with the fewest analyses running or started in the last hour
first, then the oldest queued), so one athlete's many or long uploads do not hold the worker
while another athlete's clip waits. Every enqueue adds one task, so there are as many tasks
as queued analyses and every one of them runs.

A run writes into a new folder beside the current result and swaps on success (the rows
point at the new files in the transaction that stores the reps; the old folders go after the
commit). A failure or a crash removes the new folder: the previous result stays served.
Every later write checks the claim (status running, this attempt), so a run the reaper gave
up on cannot overwrite a newer one. Every failure ends as a stored sentence for the person,
never as a crashed worker.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from analysis.models import Analysis, AnalysisStatus, CountedBy, Rep
from analysis.services.notices import notify_analysis_finished
from analysis.services.personal import personal_refresh_for
from analysis.services.verdicts import verdict_store
from analysis.services.videos import playback_decide
from coach_platform.jobs import (
    job_claim,
    job_fail,
    job_heartbeat,
    job_is_stale,
    job_requeue,
    jobs_silent,
    stale_before,
    worker_name,
)
from coach_platform.jsonable import jsonable
from coach_platform.storage import (
    media_file,
    media_folders,
    media_key,
    media_path,
    media_publish,
    media_remove,
    media_root,
)
from core import lifts
from detectors.models import DetectorVersion
from detectors.selectors import detector_active
from detectors.services import fault_thresholds, judge_load
from sets.models import Exercise, TrainingSession

logger = logging.getLogger(__name__)

MESSAGE_CRASHED = (
    "The analysis stopped because of an internal error. Try again; if it keeps happening, tell us."
)
MESSAGE_WORKER_STOPPED = "The worker stopped while analysing this set. Retry it."
MESSAGE_FINISHED = "This analysis has finished; only a failed or stalled one can run again."
MESSAGE_IN_PROGRESS = "This analysis is still in progress."
FAIRNESS_WINDOW = timedelta(hours=1)
OUTPUT_PREFIX = "analysis"  # sessions/<folder>/analysis-<attempt>-<random>/ (legacy: analysis/)


class ClaimLost(Exception):
    """The run is no longer this worker's: reaped, retried or finished elsewhere."""


def analysis_create(*, session, video_info: dict | None = None) -> Analysis:
    """The job for a new session, enqueued once the upload's transaction commits."""
    analysis = Analysis.objects.create(session=session, video_info=video_info or {})
    analysis_enqueue(analysis)
    return analysis


def analysis_enqueue(analysis: Analysis) -> None:
    """One task per queued analysis, after commit; the task runs the next fair one."""
    from django_q.tasks import async_task

    analysis_id = analysis.pk
    transaction.on_commit(
        lambda: async_task(analysis_run_task, analysis_id, task_name=f"analysis-{analysis_id}")
    )


def analysis_can_retry(analysis: Analysis) -> bool:
    """The one retry rule (review page and API): a failed analysis, or a running one without
    a sign of life for JOB_STALE_SECONDS (its worker is gone; the reaper would fail it within a
    minute). Never a done one: its result stays as it is. Never a queued one: it waits its
    turn, and a task it lost is restored by the reaper, not by people clicking."""
    if analysis.status == AnalysisStatus.FAILED:
        return True
    return analysis.status == AnalysisStatus.RUNNING and job_is_stale(analysis)


def analysis_retry(*, analysis: Analysis) -> Analysis:
    """Queue a failed (or stalled) analysis again; the upload and the current result are
    never touched (a re-run writes beside them). Refused with a sentence otherwise."""
    analysis.refresh_from_db()  # decide on the row as it is now, not as a caller last saw it
    if not analysis_can_retry(analysis):
        raise ValidationError(
            {
                "status": MESSAGE_FINISHED
                if analysis.status == AnalysisStatus.DONE
                else MESSAGE_IN_PROGRESS
            }
        )
    return _queue_again(analysis)


def analysis_analyse_as(*, analysis: Analysis, lift: str) -> Analysis:
    """Analyse the set again as `lift` (a lift the platform judges), because someone said
    what it is: from now on the set is of that lift and its analysis sees only that lift's
    reps. A done or failed analysis is run again (its result stays until the new one is
    stored); one queued or running is refused, unless its worker is gone."""
    if lift not in Exercise.values:
        raise ValidationError({"lift": f"Choose one of: {', '.join(Exercise.values)}."})
    analysis.refresh_from_db()
    _refuse_busy(analysis)
    with transaction.atomic():
        TrainingSession.objects.filter(pk=analysis.session_id).update(
            exercise=lift, exercise_chosen=True
        )
        return _queue_again(analysis, lift_forced=lift)


def analysis_analyse_again(*, analysis: Analysis) -> Analysis:
    """Analyse the set again as it stands now (its kept span changed): the rule of
    `analysis_analyse_as`, the lift as it was (said, or left to be recognised)."""
    analysis.refresh_from_db()
    _refuse_busy(analysis)
    return _queue_again(analysis)


def _refuse_busy(analysis: Analysis) -> None:
    """A queued or running analysis is not started over, unless its worker is gone."""
    busy = analysis.status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING)
    if busy and not analysis_can_retry(analysis):
        raise ValidationError({"status": MESSAGE_IN_PROGRESS})


def _queue_again(analysis: Analysis, **fields: Any) -> Analysis:
    """Back in the queue for a person, from the state the caller decided on (a worker that
    claimed it meanwhile wins: refused)."""
    fields.update(
        status=AnalysisStatus.QUEUED,
        progress=0.0,
        worker_losses=0,  # a person asked: lost workers are counted afresh
        error="",
        queued_at=timezone.now(),
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    with transaction.atomic():
        same = Q(status=analysis.status, attempts=analysis.attempts)
        if not Analysis.objects.filter(same, pk=analysis.pk).update(**fields):
            raise ValidationError({"status": MESSAGE_IN_PROGRESS})
        analysis_enqueue(analysis)
    analysis.refresh_from_db()
    return analysis


def analysis_claim(analysis_id: int | None = None) -> tuple[int, int] | None:
    """Atomically take a queued analysis: `analysis_id`, or else the next one by fairness.

    Returns (analysis id, attempt), or None when there is nothing to take (a duplicate
    delivery, or another worker was faster). The attempt number is the claim: later writes
    of this run match it."""
    for _ in range(20):
        pk = analysis_id if analysis_id is not None else _next_fair()
        if pk is None:
            return None
        claimed = job_claim(
            Analysis.objects, pk, progress=0.0, attempts=F("attempts") + 1, worker=worker_name()
        )
        if claimed:
            return pk, Analysis.objects.values_list("attempts", flat=True).get(pk=pk)
        if analysis_id is not None:
            return None
    return None


def _next_fair() -> int | None:
    """The queued analysis to run next: its athlete has fewer than ANALYSES_PER_ATHLETE
    running and the fewest running or started in the last hour, then it was queued first."""
    recent = timezone.now() - FAIRNESS_WINDOW
    load = (
        Analysis.objects.filter(session__athlete=OuterRef("session__athlete"))
        .filter(Q(status=AnalysisStatus.RUNNING) | Q(started_at__gte=recent))
        .order_by()
        .values("session__athlete")
        .annotate(n=Count("pk"))
        .values("n")
    )
    running = (
        Analysis.objects.filter(
            session__athlete=OuterRef("session__athlete"), status=AnalysisStatus.RUNNING
        )
        .order_by()
        .values("session__athlete")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Analysis.objects.filter(status=AnalysisStatus.QUEUED)
        .annotate(load=Coalesce(Subquery(load), 0), running=Coalesce(Subquery(running), 0))
        # An athlete never holds every worker: one at the cap waits for their own to finish.
        .filter(running__lt=settings.ANALYSES_PER_ATHLETE)
        .order_by("load", "queued_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _output_dirs(folder: str) -> list[str]:
    """The keys of every analysis output folder of a session (never its upload folder)."""
    return [
        f"sessions/{folder}/{name}"
        for name in media_folders(f"sessions/{folder}")
        if name == OUTPUT_PREFIX or name.startswith(OUTPUT_PREFIX + "-")
    ]


def _remove_output_dirs(folder: str, keep: Path | None = None) -> None:
    kept = media_key(keep) if keep is not None else None
    for key in _output_dirs(folder):
        if key != kept:
            media_remove(key)


def analysis_run(analysis_id: int) -> Analysis | None:
    """Claim this analysis if it is queued and run it (tests, commands). A duplicate or late
    delivery finds it taken, finished or gone and does nothing."""
    claim = analysis_claim(analysis_id)
    if claim is None:
        logger.info(
            "analysis %s is not queued (taken, finished or gone): nothing to do", analysis_id
        )
        return Analysis.objects.filter(pk=analysis_id).first()
    return _analysis_execute(*claim)


def analysis_run_task(analysis_id: int) -> str:
    """The worker's task (django-q2), enqueued once per queued analysis (`analysis_id`
    names it in the task list): it runs the next queued analysis by fairness, which may be
    another one: as many tasks as queued analyses, so every one runs; a task that finds
    nothing queued does nothing."""
    analysis = analysis_run_next()
    return f"analysis {analysis.pk}: {analysis.status}" if analysis else "nothing queued"


def analysis_run_next() -> Analysis | None:
    """Claim the next queued analysis by fairness and run it (the task body)."""
    claim = analysis_claim()
    if claim is None:
        logger.info("no queued analysis left: nothing to do")
        return None
    return _analysis_execute(*claim)


def _analysis_execute(analysis_id: int, attempt: int) -> Analysis | None:
    try:
        with job_heartbeat(Analysis, analysis_id, status=AnalysisStatus.RUNNING, attempts=attempt):
            return _analysis_compute(analysis_id, attempt)
    finally:
        _tasks_top_up()


def _tasks_top_up() -> None:
    """A task that found only analyses of athletes at their cap ran nothing; once one of
    theirs finishes, the queued analyses get their tasks back (without waiting for the
    reaper). Inline (sync) task running has no broker to count."""
    from django_q.conf import Conf

    if not Conf.SYNC:
        _requeue_lost(timezone.now())


def _analysis_compute(analysis_id: int, attempt: int) -> Analysis | None:
    """Run the pipeline into a new folder and store what it found (see the module's doc)."""
    started = time.monotonic()
    analysis = Analysis.objects.select_related("session").filter(pk=analysis_id).first()
    if analysis is None:  # the set was deleted since the claim
        logger.info("analysis %s is gone (its set was deleted): nothing to do", analysis_id)
        return None
    session = analysis.session
    # Beside the current result, never over it; the upload lives in another folder. Written
    # in the local mirror and stored (media_publish) before a row points at it.
    name = f"{OUTPUT_PREFIX}-{attempt}-{secrets.token_hex(3)}"
    out_dir = media_root() / "sessions" / session.folder / name
    out_dir.mkdir(parents=True, exist_ok=True)

    warnings: list[str] = []
    version = detector_active()
    thresholds = fault_thresholds(version)
    judge = None
    if version is not None:
        try:
            judge = judge_load(version)
        except Exception:
            logger.exception("detector %s could not be loaded", version.name)
            warnings.append(f"The detector {version.name} could not be loaded: reps not judged.")
            version = None

    try:
        from core.pipeline.run import analyze_video

        result = analyze_video(
            media_file(session.video.name),
            out_dir,
            judge=judge,
            progress=_progress_writer(analysis_id, attempt),
            # The upload checked the header's duration; this holds on the frames themselves.
            max_seconds=settings.VIDEO_MAX_SECONDS,
            fault_thresholds=thresholds,
            pose_processes=settings.POSE_PROCESSES,
            lift=analysis.lift_forced or None,
            keep=_kept_span(session),
        )
    except Exception as error:
        shutil.rmtree(out_dir, ignore_errors=True)
        if _is_pipeline_error(error):
            logger.info("analysis %s refused the video: %s", analysis_id, error)
            return _analysis_fail(analysis_id, attempt, str(error), folder=session.folder)
        logger.exception("analysis %s crashed", analysis_id)
        return _analysis_fail(analysis_id, attempt, MESSAGE_CRASHED, folder=session.folder)

    if not result.exercise.judged:
        message = result.exercise.message
        return _analysis_fail(
            analysis_id, attempt, message, result=result, out_dir=out_dir, folder=session.folder
        )
    if not result.reps:
        message = lifts.of_exercise(result.exercise.name).no_reps
        return _analysis_fail(
            analysis_id, attempt, message, result=result, out_dir=out_dir, folder=session.folder
        )

    try:
        media_publish(out_dir)
        analysis = _analysis_store(analysis_id, attempt, result, out_dir, version, warnings)
    except ClaimLost:
        media_remove(media_key(out_dir))
        logger.warning(
            "analysis %s attempt %s was given up on; result discarded", analysis_id, attempt
        )
        return _after_lost(analysis_id, session.folder)
    except Exception:
        media_remove(media_key(out_dir))
        logger.exception("analysis %s: storing the result failed", analysis_id)
        return _analysis_fail(analysis_id, attempt, MESSAGE_CRASHED, folder=session.folder)
    logger.info(
        "analysis %s done: %d reps in %.1f s, timings_ms=%s",
        analysis_id,
        analysis.rep_count,
        time.monotonic() - started,
        analysis.timings_ms,
    )
    return analysis


def _kept_span(session: TrainingSession) -> tuple[float | None, float | None] | None:
    """The span of the video the set is analysed on (the athlete's trim), or None: all."""
    if session.trim_start_s is None and session.trim_end_s is None:
        return None
    return session.trim_start_s, session.trim_end_s


def _is_pipeline_error(error: Exception) -> bool:
    try:
        from core.errors import PipelineError
    except ImportError:
        return False
    return isinstance(error, PipelineError)


def _claimed(analysis_id: int, attempt: int):
    """The analysis while this run still holds it: running, and this attempt."""
    return Analysis.objects.filter(
        pk=analysis_id, status=AnalysisStatus.RUNNING, attempts=attempt
    ).select_related("session")


def _progress_writer(analysis_id: int, attempt: int):
    """A throttled progress callback: one small UPDATE per percent and second at most."""
    last = {"value": -1.0, "at": 0.0}
    mine = _claimed(analysis_id, attempt)

    def write(percent: float) -> None:
        now = time.monotonic()
        percent = max(0.0, min(99.0, float(percent)))  # 100 only once stored
        if percent - last["value"] < 1.0 or now - last["at"] < 0.5:
            return
        last.update(value=percent, at=now)
        mine.update(progress=round(percent, 1), heartbeat_at=timezone.now())

    return write


def _has_result(analysis: Analysis) -> bool:
    """A previous run left a result people may be looking at (reps, an annotated video)."""
    return bool(analysis.result_video) or analysis.reps.exists()


def _analysis_fail(
    analysis_id: int,
    attempt: int,
    message: str,
    *,
    result=None,
    out_dir: Path | None = None,
    folder: str = "",
) -> Analysis | None:
    """Mark this run failed with a sentence. The new folder is kept only for a first result's
    report.json (what was found instead of a lift it judges); over a previous result it is removed
    and the previous files and paths stay as they were."""
    fields: dict[str, Any] = {}
    keep = None
    lost = False
    with transaction.atomic():
        analysis = _claimed(analysis_id, attempt).select_for_update().first()
        if analysis is not None and result is not None and not _has_result(analysis):
            fields.update(
                exercise_detected=result.exercise.name,
                lift_probabilities=result.exercise.probabilities,
                timings_ms=jsonable(result.timings_ms),
                warnings=list(result.warnings),
                rep_count=0,
            )
            report = out_dir / "report.json" if out_dir else None
            if report is not None and report.exists():
                media_publish(report)
                fields.update(report_file=media_key(report), output_dir=media_key(out_dir))
                keep = out_dir
        if analysis is not None:
            job_fail(_claimed(analysis_id, attempt), analysis_id, message, **fields)
            notify_analysis_finished(analysis_id)
            if keep is not None:  # earlier failures' reports go once this one is stored
                kept_in = analysis.session.folder
                transaction.on_commit(lambda: _remove_output_dirs(kept_in, keep=keep))
        else:
            logger.warning(
                "analysis %s attempt %s was given up on; failure not stored", analysis_id, attempt
            )
            lost = True
    if lost:  # outside the transaction: the set's deletion may be what it waits for
        return _after_lost(analysis_id, folder, out_dir)
    if keep is None and out_dir is not None:
        media_remove(media_key(out_dir))
    return Analysis.objects.filter(pk=analysis_id).first()


def _after_lost(analysis_id: int, folder: str, out_dir: Path | None = None) -> Analysis | None:
    """A run that lost its claim (reaped, retried elsewhere, or its set deleted): what it
    wrote goes; when the set itself is gone, so does whatever is left of its folder (the
    deletion removed it once, before this late worker wrote into it again)."""
    if out_dir is not None:
        media_remove(media_key(out_dir))
    if folder and "/" not in folder and not TrainingSession.objects.filter(folder=folder).exists():
        media_remove(f"sessions/{folder}")
    return Analysis.objects.filter(pk=analysis_id).first()


def _keep_files(rep: Rep, out_dir: Path) -> None:
    """A labelled rep that a re-run did not find again keeps its row (labels are never lost
    to re-analysis) and so its files: copied into the new folder before the old one goes."""
    kept = out_dir / "kept"
    for field in ("image", "orientation", "magnitude", "landmarks"):
        source = media_path(getattr(rep, field))
        if source is None or out_dir.resolve() in source.parents:
            continue
        kept.mkdir(exist_ok=True)
        target = kept / f"rep{rep.index}-{source.name}"
        shutil.copy2(source, target)
        media_publish(target)
        setattr(rep, field, media_key(target))
    rep.save(update_fields=["image", "orientation", "magnitude", "landmarks"])


REP_FILE_FIELDS = ("image", "orientation", "magnitude", "landmarks", "body_image")


def pipeline_rep_fields(out_dir: Path, r) -> dict[str, Any]:
    """A pipeline rep (pipeline.result.Rep, its files under `out_dir`) as Rep row fields:
    span, stages, kinematics, files and named faults; not the verdict or the count."""

    def rel(path: str | None) -> str:
        return media_key(out_dir / path) if path else ""

    return {
        "start_frame": r.start_frame,
        "lockout_frame": r.lockout_frame,
        "end_frame": r.end_frame,
        "start_s": r.start_s,
        "lockout_s": r.lockout_s,
        "end_s": r.end_s,
        "complete": r.complete,
        "stages": jsonable(r.stages),
        "kinematics": jsonable(r.kinematics),
        **{field: rel(getattr(r, field)) for field in REP_FILE_FIELDS},
        "detected_faults": r.detected_faults,
        "fault_evidence": jsonable(r.fault_evidence),
        "camera_view": r.camera_view,
        "not_judged_reason": r.not_judged_reason,
    }


def _analysis_store(
    analysis_id: int,
    attempt: int,
    result,
    out_dir: Path,
    version: DetectorVersion | None,
    warnings: list[str],
) -> Analysis:
    """Store the reps and point the rows at the new folder, in one transaction; the old
    folders are removed after it commits. Raises ClaimLost when the run is not ours any more."""
    now = timezone.now()
    with transaction.atomic():
        analysis = _claimed(analysis_id, attempt).select_for_update().first()
        if analysis is None:
            raise ClaimLost(analysis_id)

        kept = []
        for r in result.reps:
            fields = {
                "group": f"session-{analysis.session_id}",
                **pipeline_rep_fields(out_dir, r),
                # The detector's count: a re-run starts the count over from its own view.
                "counted": True,
                "counted_by": CountedBy.DETECTOR,
                "confidence": r.confidence,
                "evidence": jsonable(r.evidence),
            }
            rep, _ = Rep.objects.update_or_create(analysis=analysis, index=r.index, defaults=fields)
            verdict_store(rep, version, r)
            kept.append(rep.pk)
        # A re-run that finds fewer reps drops the extra rows (comments stay on the session),
        # except reps a coach labelled: labels are never lost to re-analysis.
        gone = analysis.reps.exclude(pk__in=kept)
        for rep in gone.filter(label__isnull=False):
            warnings.append(f"Rep {rep.index} was not found again; kept for its coach's label.")
            _keep_files(rep, out_dir)
        gone.filter(label__isnull=True).delete()

        report = out_dir / "report.json"
        analysis.status = AnalysisStatus.DONE
        analysis.worker_losses = 0
        analysis.progress = 100.0
        analysis.error = ""
        analysis.finished_at = now
        analysis.heartbeat_at = now
        analysis.output_dir = media_key(out_dir)
        # A new result: an export of the old one goes with its folder; asked for again.
        analysis.result_video = analysis.export = ""
        analysis.report_file = media_key(report) if report.exists() else ""
        analysis.exercise_detected = result.exercise.name
        analysis.lift_probabilities = result.exercise.probabilities
        if not analysis.session.exercise_chosen:  # left to the platform: what it recognised
            seen = lifts.of_exercise(result.exercise.name).name
            TrainingSession.objects.filter(pk=analysis.session_id).update(exercise=seen)
        analysis.rep_count = len(result.reps)
        analysis.candidates = jsonable([asdict(c) for c in result.candidates])
        analysis.video_info = result.video.summary()
        analysis.timings_ms = jsonable(result.timings_ms)
        analysis.warnings = list(result.warnings) + warnings
        analysis.detector_version = version
        analysis.save()
        playback_decide(analysis, result.video)
        personal_refresh_for(analysis.reps.select_related("analysis__session"))
        # The swap: the rows now point into out_dir; the previous folders go once that is
        # committed (a rollback leaves them, and the rows that point at them, as they were).
        folder = analysis.session.folder
        transaction.on_commit(lambda: _remove_output_dirs(folder, keep=out_dir))
    notify_analysis_finished(analysis_id)
    return analysis


def analysis_reap(*, stale_seconds: float | None = None) -> dict[str, int]:
    """The reaper's part for analyses (registered with coach_platform.jobs: jobs_reap).

    A running analysis without a sign of life for `stale_seconds` (JOB_STALE_SECONDS) lost
    its worker (killed, or its machine gone): the folder its run was writing is removed and
    it is queued again for any worker, ANALYSIS_LOST_REQUEUES times in a row; after that it
    is marked failed with a sentence, retryable at once (a video that kills every worker that
    takes it must not take them all down in turn). Queued analyses that waited that long
    while the broker holds fewer pending tasks than there are queued analyses lost their
    task (a killed cluster's prefetched task is gone with Redis, locked for `retry` seconds
    with the ORM broker): as many tasks as are missing are enqueued again. An extra task is
    harmless: it finds nothing to claim.
    """
    now = timezone.now()
    stale = jobs_silent(Analysis, stale_seconds, now=now)
    failed = restarted = 0
    for pk, attempt, losses, folder in stale.values_list(
        "pk", "attempts", "worker_losses", "session__folder"
    ):
        again = losses < settings.ANALYSIS_LOST_REQUEUES
        this_run = stale.filter(attempts=attempt)  # a heartbeat or a new claim since: left alone
        lost = {"worker_losses": F("worker_losses") + 1}
        if again:
            rows = job_requeue(this_run, pk, queued_at=now, progress=0.0, **lost)
        else:
            rows = job_fail(this_run, pk, MESSAGE_WORKER_STOPPED, **lost)
        if not rows:
            continue
        for key in _output_dirs(folder):
            if key.rsplit("/", 1)[-1].startswith(f"{OUTPUT_PREFIX}-{attempt}-"):
                media_remove(key)
        if again:
            restarted += 1
            logger.warning("analysis %s: its worker stopped (no heartbeat); queued again", pk)
            analysis_enqueue(Analysis(pk=pk))
        else:
            failed += 1
            logger.warning("analysis %s: its worker stopped again; marked failed", pk)
            notify_analysis_finished(pk)
    return {
        "analyses_failed": failed,
        "analyses_restarted": restarted,
        "analyses_requeued": _requeue_lost(stale_before(stale_seconds, now=now)),
    }


def _requeue_lost(limit) -> int:
    from django_q.brokers import get_broker
    from django_q.tasks import async_task

    queued = Analysis.objects.filter(status=AnalysisStatus.QUEUED)
    waiting = list(
        queued.filter(queued_at__lt=limit).order_by("queued_at", "pk").values_list("pk", flat=True)
    )
    if not waiting:
        return 0
    try:
        # ORM: unlocked tasks (and ones whose lock expired); Redis: the list's length. Other
        # kinds of task count too (too few enqueued: the next round makes up for it), tasks a
        # cluster took but has not started do not (one too many: it finds nothing to claim).
        pending = int(get_broker().queue_size() or 0)
    except Exception:
        logger.warning("the broker's queue size is unknown; no task enqueued again", exc_info=True)
        return 0
    missing = min(len(waiting), queued.count() - pending)
    for pk in waiting[: max(missing, 0)]:
        logger.warning("analysis %s waited without a task in the broker; enqueued again", pk)
        async_task(analysis_run_task, pk, task_name=f"analysis-{pk}")
    return max(missing, 0)
