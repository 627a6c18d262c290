"""Writes about analyses: create and enqueue a job, run it, store its result.

`analysis_run` is what the django-q2 task calls. It is idempotent: reps are upserted by
index, verdicts by (rep, detector version), so running it twice leaves one set of reps.
Every failure ends as a stored sentence for the person, never as a crashed worker.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analysis.models import Analysis, AnalysisStatus, DetectorVersion, Rep
from analysis.services.detectors import detector_active, judge_load, verdict_store

logger = logging.getLogger(__name__)

MESSAGE_CRASHED = (
    "The analysis stopped because of an internal error. Try again; if it keeps happening, tell us."
)
MESSAGE_NO_REPS = (
    "No complete deadlift rep was found: the bar should start on the floor and reach lockout, "
    "with the whole body in view."
)
TASK_NAME = "analysis.tasks.analysis_run_task"
REDRAW_TASK = "analysis.tasks.analysis_video_redraw_task"


def analysis_create(*, session, video_info: dict | None = None) -> Analysis:
    """The job for a new session, enqueued once the upload's transaction commits."""
    analysis = Analysis.objects.create(session=session, video_info=video_info or {})
    analysis_enqueue(analysis)
    return analysis


def analysis_enqueue(analysis: Analysis) -> None:
    from django_q.tasks import async_task

    analysis_id = analysis.pk
    transaction.on_commit(
        lambda: async_task(TASK_NAME, analysis_id, task_name=f"analysis-{analysis_id}")
    )


def analysis_retry(*, analysis: Analysis) -> Analysis:
    """Queue a failed (or stuck) analysis again; the upload itself is never touched."""
    if not analysis_can_retry(analysis):
        from django.core.exceptions import ValidationError

        raise ValidationError("This analysis is still in progress.")
    with transaction.atomic():
        Analysis.objects.filter(pk=analysis.pk).update(
            status=AnalysisStatus.QUEUED,
            progress=0.0,
            error="",
            queued_at=timezone.now(),
            started_at=None,
            finished_at=None,
        )
        analysis_enqueue(analysis)
    analysis.refresh_from_db()
    return analysis


def analysis_can_retry(analysis: Analysis) -> bool:
    """Failed and done jobs can run again; so can one stuck longer than the task timeout
    (its worker was killed)."""
    if analysis.status in (AnalysisStatus.FAILED, AnalysisStatus.DONE):
        return True
    timeout = settings.Q_CLUSTER.get("timeout", 3600)
    since = analysis.started_at or analysis.queued_at
    return (timezone.now() - since).total_seconds() > timeout + 60


def _media_relative(path: Path) -> str:
    return str(path.resolve().relative_to(Path(settings.MEDIA_ROOT).resolve()))


def analysis_run(analysis_id: int) -> Analysis | None:
    """Run the pipeline for one analysis and store what it found."""
    started = time.monotonic()
    analysis = Analysis.objects.select_related("session").filter(pk=analysis_id).first()
    if analysis is None:
        logger.warning("analysis %s no longer exists; nothing to do", analysis_id)
        return None
    Analysis.objects.filter(pk=analysis_id).update(
        status=AnalysisStatus.RUNNING,
        progress=0.0,
        error="",
        started_at=timezone.now(),
        finished_at=None,
        attempts=analysis.attempts + 1,
    )
    session = analysis.session
    out_dir = Path(settings.MEDIA_ROOT) / "sessions" / session.folder / "analysis"
    # Derived files only: the upload lives in another folder and is never touched.
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)

    warnings: list[str] = []
    version = detector_active()
    judge = None
    if version is not None:
        try:
            judge = judge_load(version)
        except Exception:
            logger.exception("detector %s could not be loaded", version.name)
            warnings.append(f"The detector {version.name} could not be loaded: reps not judged.")
            version = None

    try:
        from analysis.pipeline.run import analyze_video

        result = analyze_video(
            session.video.path, out_dir, judge=judge, progress=_progress_writer(analysis_id)
        )
    except Exception as error:
        if _is_pipeline_error(error):
            logger.info("analysis %s refused the video: %s", analysis_id, error)
            return _analysis_fail(analysis_id, str(error))
        logger.exception("analysis %s crashed", analysis_id)
        return _analysis_fail(analysis_id, MESSAGE_CRASHED)

    if not result.exercise.is_deadlift:
        return _analysis_fail(analysis_id, result.exercise.message, result=result, out_dir=out_dir)
    if not result.reps:
        return _analysis_fail(analysis_id, MESSAGE_NO_REPS, result=result, out_dir=out_dir)

    analysis = _analysis_store(analysis_id, result, out_dir, version, warnings)
    logger.info(
        "analysis %s done: %d reps in %.1f s, timings_ms=%s",
        analysis_id,
        analysis.rep_count,
        time.monotonic() - started,
        analysis.timings_ms,
    )
    return analysis


def analysis_video_redraw(analysis_id: int) -> bool:
    """Redraw a finished analysis' annotated video if its reps' verdicts changed since it was
    drawn (a newer detector re-scored them), so the video's boxes agree with the rep cards.
    A redraw that fails leaves the previous video in place."""
    from analysis.pipeline.run import OVERLAY_LANDMARKS, redraw_verdicts

    analysis = (
        Analysis.objects.select_related("session")
        .filter(pk=analysis_id, status=AnalysisStatus.DONE)
        .exclude(result_video="")
        .first()
    )
    if analysis is None:
        return False
    out_dir = Path(settings.MEDIA_ROOT) / analysis.output_dir
    if not (out_dir / OVERLAY_LANDMARKS).exists():
        logger.info("analysis %s predates redrawable videos; left as it is", analysis_id)
        return False
    verdicts = dict(analysis.reps.values_list("index", "verdict"))
    try:
        return redraw_verdicts(analysis.session.video.path, out_dir, verdicts)
    except Exception:
        logger.exception("analysis %s: the video could not be redrawn", analysis_id)
        return False


def analysis_video_redraw_enqueue(analysis_ids: set[int]) -> None:
    from django_q.tasks import async_task

    for analysis_id in sorted(analysis_ids):
        async_task(REDRAW_TASK, analysis_id, task_name=f"redraw-{analysis_id}")


def _is_pipeline_error(error: Exception) -> bool:
    try:
        from analysis.pipeline.errors import PipelineError
    except ImportError:
        return False
    return isinstance(error, PipelineError)


def _progress_writer(analysis_id: int):
    """A throttled progress callback: one small UPDATE per percent and second at most."""
    last = {"value": -1.0, "at": 0.0}

    def write(percent: float) -> None:
        now = time.monotonic()
        percent = max(0.0, min(99.0, float(percent)))  # 100 only once stored
        if percent - last["value"] < 1.0 or now - last["at"] < 0.5:
            return
        last.update(value=percent, at=now)
        Analysis.objects.filter(pk=analysis_id).update(progress=round(percent, 1))

    return write


def _analysis_fail(
    analysis_id: int, message: str, *, result=None, out_dir: Path | None = None
) -> Analysis:
    fields: dict[str, Any] = {
        "status": AnalysisStatus.FAILED,
        "error": message,
        "finished_at": timezone.now(),
    }
    if result is not None:
        fields.update(
            exercise_detected=result.exercise.name,
            timings_ms=result.timings_ms,
            warnings=list(result.warnings),
            rep_count=0,
        )
        report = out_dir / "report.json" if out_dir else None
        if report is not None and report.exists():
            fields["report_file"] = _media_relative(report)
    Analysis.objects.filter(pk=analysis_id).update(**fields)
    return Analysis.objects.get(pk=analysis_id)


def _analysis_store(
    analysis_id: int,
    result,
    out_dir: Path,
    version: DetectorVersion | None,
    warnings: list[str],
) -> Analysis:
    now = timezone.now()
    with transaction.atomic():
        analysis = Analysis.objects.select_for_update().get(pk=analysis_id)

        def rel(path: str | None) -> str:
            return _media_relative(out_dir / path) if path else ""

        kept = []
        for r in result.reps:
            judged = version is not None and r.verdict in ("good", "anomalous")
            fields = {
                "group": f"session-{analysis.session_id}",
                "start_frame": r.start_frame,
                "lockout_frame": r.lockout_frame,
                "end_frame": r.end_frame,
                "start_s": r.start_s,
                "lockout_s": r.lockout_s,
                "end_s": r.end_s,
                "complete": r.complete,
                "stages": _jsonable(r.stages),
                "kinematics": _jsonable(r.kinematics),
                "image": rel(r.image),
                "orientation": rel(r.orientation),
                "magnitude": rel(r.magnitude),
                "landmarks": rel(r.landmarks),
            }
            if not judged:
                fields.update(verdict=None, score=None, threshold=None, joints=[])
                fields.update(detector_version=None, judged_at=None)
            rep, _ = Rep.objects.update_or_create(analysis=analysis, index=r.index, defaults=fields)
            if judged:
                verdict_store(rep, version, r)
            kept.append(rep.pk)
        # A re-run that finds fewer reps drops the extra rows (comments stay on the session),
        # except reps a coach labelled: labels are never lost to re-analysis.
        gone = analysis.reps.exclude(pk__in=kept)
        for index in gone.filter(label__isnull=False).values_list("index", flat=True):
            warnings.append(f"Rep {index} was not found again; kept for its coach's label.")
        gone.filter(label__isnull=True).delete()

        report = out_dir / "report.json"
        video = out_dir / result.result_video if result.result_video else None
        analysis.status = AnalysisStatus.DONE
        analysis.progress = 100.0
        analysis.error = ""
        analysis.finished_at = now
        analysis.output_dir = _media_relative(out_dir)
        analysis.result_video = _media_relative(video) if video and video.exists() else ""
        analysis.report_file = _media_relative(report) if report.exists() else ""
        analysis.exercise_detected = result.exercise.name
        analysis.rep_count = len(result.reps)
        analysis.video_info = _jsonable(result.report().get("input", {}))
        analysis.timings_ms = _jsonable(result.timings_ms)
        analysis.warnings = list(result.warnings) + warnings
        analysis.detector_version = version
        analysis.save()
    return analysis


def _jsonable(value: Any) -> Any:
    """numpy scalars and tuples out of the pipeline's dicts, so JSONField can store them."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def analysis_fail_interrupted() -> int:
    """Mark jobs left `running` by a worker that was stopped as failed, so they can be
    retried at once. Only for the single-host launcher, before its worker starts: with
    workers on several hosts a running job may be alive elsewhere."""
    return Analysis.objects.filter(status=AnalysisStatus.RUNNING).update(
        status=AnalysisStatus.FAILED,
        error="The worker stopped while analysing this set. Retry it.",
        finished_at=timezone.now(),
    )
